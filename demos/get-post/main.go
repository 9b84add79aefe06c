// Command get-post runs the get-post demo: go run ./demos/get-post --help
package main

import (
	"github.com/netdemo/netdemo/demos"
	"github.com/netdemo/netdemo/internal/demo"
)

func main() { demo.Main(demos.Lookup("get-post")) }
