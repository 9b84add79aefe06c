// Command workers runs the workers demo: go run ./demos/workers --help
package main

import (
	"github.com/netdemo/netdemo/demos"
	"github.com/netdemo/netdemo/internal/demo"
)

func main() { demo.Main(demos.Lookup("workers")) }
