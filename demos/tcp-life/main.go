// Command tcp-life runs the tcp-life demo: go run ./demos/tcp-life --help
package main

import (
	"github.com/netdemo/netdemo/demos"
	"github.com/netdemo/netdemo/internal/demo"
)

func main() { demo.Main(demos.Lookup("tcp-life")) }
