// Command io-mux runs the io-mux demo: go run ./demos/io-mux --help
package main

import (
	"github.com/netdemo/netdemo/demos"
	"github.com/netdemo/netdemo/internal/demo"
)

func main() { demo.Main(demos.Lookup("io-mux")) }
