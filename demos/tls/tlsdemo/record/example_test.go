package record_test

import (
	"encoding/hex"
	"fmt"

	"github.com/netdemo/netdemo/demos/tls/tlsdemo/record"
)

// The key and IV of RFC 8448 §3's server handshake traffic secret, and the
// nonce of its third record.
func ExampleDeriveKeys() {
	secret, _ := hex.DecodeString("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38")
	suite, _ := record.SuiteByID(0x1301) // TLS_AES_128_GCM_SHA256
	k, err := record.DeriveKeys(suite, secret)
	if err != nil {
		panic(err)
	}
	fmt.Printf("key   %x\niv    %x\nnonce %x\n", k.Key, k.IV, record.Nonce(k.IV, 2))
	// Output:
	// key   3fce516009c21727d0f2e4e86ee403bc
	// iv    5d313eb2671276ee13000b30
	// nonce 5d313eb2671276ee13000b32
}
