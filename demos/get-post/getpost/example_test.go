package getpost_test

import (
	"fmt"

	"github.com/netdemo/netdemo/demos/get-post/getpost"
)

func ExampleTryCommand_Line() {
	fmt.Println(getpost.TryCommands[0].Line("http://127.0.0.1:8080"))
	fmt.Println(getpost.TryCommands[4].Line("http://127.0.0.1:8080"))
	// Output:
	// curl -i -X POST -H 'Content-Type: application/json' -H 'Idempotency-Key: k1' -d '{"item":"book","qty":1}' http://127.0.0.1:8080/orders
	// curl -i 'http://127.0.0.1:8080/orders?item=book'
}
