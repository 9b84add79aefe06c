package orders_test

import (
	"fmt"

	"github.com/netdemo/netdemo/internal/servers/orders"
)

func ExampleNoneMatch() {
	etag := orders.ETagOf([]byte(`{"id":"1","item":"book","qty":1}` + "\n"))
	fmt.Println(orders.NoneMatch(etag, etag))      // the client's copy is current: 304
	fmt.Println(orders.NoneMatch(`"stale"`, etag)) // changed since: 200 with the body
	fmt.Println(orders.NoneMatch("W/"+etag, etag)) // If-None-Match compares weakly
	// Output:
	// true
	// false
	// true
}

func ExampleParseKey() {
	for _, v := range []string{`"8e03978e-40d5"`, "k1", "two words"} {
		k, err := orders.ParseKey(v)
		fmt.Printf("%q %v\n", k, err != nil)
	}
	// Output:
	// "8e03978e-40d5" false
	// "k1" false
	// "" true
}
