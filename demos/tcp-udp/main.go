// Command tcp-udp runs the tcp-udp demo: go run ./demos/tcp-udp --help
package main

import (
	"github.com/netdemo/netdemo/demos"
	"github.com/netdemo/netdemo/internal/demo"
)

func main() { demo.Main(demos.Lookup("tcp-udp")) }
