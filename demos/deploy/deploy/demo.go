package deploy

import (
	"time"

	"github.com/netdemo/netdemo/internal/demo"
)

// Demo is registered in package demos.
var Demo = &demo.Demo{
	Name: "deploy",
	Question: demo.Question{
		Zh: "项目里python+django的部署是怎么做的，用了哪些技术，如何通信等",
		En: "How is a Python/Django project deployed: which parts, and how do they talk to each other?",
	},
	Summary: demo.Text{
		En: "reverse proxy → app server on a Unix socket → WSGI app: forwarded headers, static files, TLS, buffering, failover, CGI/FastCGI/uwsgi/WSGI on the wire",
		Zh: "反向代理 → Unix 套接字上的应用服务器 → WSGI 应用：转发头、静态文件、TLS、缓冲、故障转移，CGI/FastCGI/uwsgi/WSGI 的线上字节",
	},
	Port:   8088,
	NoLab:  true,
	Params: func() any { return &params{Requests: 200, Workers: 2, Slow: 200 * time.Millisecond} },
	Run:    run,
	Serve:  serve,
}

type params struct {
	Requests int           `flag:"requests" help:"requests per row of the timing table (CGI runs a tenth of them)" min:"20" max:"100000"`
	Workers  int           `flag:"workers" help:"gunicorn workers for the real stack" min:"1" max:"64"`
	Slow     time.Duration `flag:"slow" help:"how long the slow client takes to send its body and to read the answer" min:"20ms" max:"1m"`
}
