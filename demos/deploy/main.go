// Command deploy runs the deploy demo: go run ./demos/deploy --help
package main

import (
	"github.com/netdemo/netdemo/demos"
	"github.com/netdemo/netdemo/internal/demo"
)

func main() { demo.Main(demos.Lookup("deploy")) }
