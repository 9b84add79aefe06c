// Command http-tcp runs the http-tcp demo: go run ./demos/http-tcp --help
package main

import (
	"github.com/netdemo/netdemo/demos"
	"github.com/netdemo/netdemo/internal/demo"
)

func main() { demo.Main(demos.Lookup("http-tcp")) }
