package web

import (
	"bytes"
	"embed"
	"html"
	"html/template"
	"net/http"
	"path"
	"strings"
	"time"
)

// The page, its script and its style are embedded: the binary serves
// everything it shows, with no network.
//
//go:embed assets
var assets embed.FS

var pages = template.Must(template.New("").Funcs(template.FuncMap{
	// bi shows a phrase in both languages; the page displays one.
	"bi": func(en, zh string) template.HTML {
		return template.HTML(both(html.EscapeString(en), html.EscapeString(zh)))
	},
	"argsLine": argsLine,
}).ParseFS(assets, "assets/*.html"))

type demoCard struct {
	Name       string
	QuestionZh string
	QuestionEn string
	SummaryEn  string
	SummaryZh  string
	Fields     []field
	Running    string // id of its run going on, if any
}

type indexPage struct {
	Lang     string
	HasToken bool
	Demos    []demoCard
	Runs     []runInfo
}

func (s *Server) index(w http.ResponseWriter, r *http.Request) {
	if s.takeToken(w, r) {
		return
	}
	p := indexPage{Lang: s.cfg.Lang, HasToken: s.hasToken(r)}
	active := map[string]string{}
	for _, run := range s.runs.list() {
		st := run.state()
		if st == "running" {
			active[run.demo.Name] = run.id
		}
		p.Runs = append(p.Runs, runInfo{ID: run.id, Demo: run.demo.Name, Args: run.args, Status: st, Started: run.started.Format(time.TimeOnly)})
	}
	for _, d := range s.cfg.Demos {
		p.Demos = append(p.Demos, demoCard{Name: d.Name, QuestionZh: d.Question.Zh, QuestionEn: d.Question.En,
			SummaryEn: d.Summary.En, SummaryZh: d.Summary.In("zh"), Fields: formFields(d), Running: active[d.Name]})
	}
	s.page(w, "index.html", p)
}

type runPageData struct {
	Lang     string // the page's language at first
	RunLang  string
	HasToken bool
	ID       string
	Demo     string
	Args     []string
	Title    template.HTML
}

func (s *Server) runPage(w http.ResponseWriter, r *http.Request) {
	run := s.runs.get(r.PathValue("id"))
	if run == nil {
		http.Error(w, "no such run (finished runs are kept for a while, then forgotten)", http.StatusNotFound)
		return
	}
	title := template.HTML(html.EscapeString(run.demo.Name))
	if rr := run.cast.render; rr != nil {
		en, zh := run.demo.Name, run.demo.Name
		if d := rr.docs["en"]; d != nil && d.Title != "" {
			en = d.Title
		}
		if d := rr.docs["zh"]; d != nil && d.Title != "" {
			zh = d.Title
		}
		title = template.HTML(both(html.EscapeString(en), html.EscapeString(zh)))
	}
	s.page(w, "run.html", runPageData{Lang: run.lang, RunLang: run.lang, HasToken: s.hasToken(r), ID: run.id, Demo: run.demo.Name, Args: run.args, Title: title})
}

func (s *Server) page(w http.ResponseWriter, name string, data any) {
	var b bytes.Buffer
	if err := pages.ExecuteTemplate(&b, name, data); err != nil {
		http.Error(w, "rendering the page: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b.Bytes())
}

var staticTypes = map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}

func (s *Server) static(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	ctype, ok := staticTypes[path.Ext(name)]
	if !ok || strings.ContainsAny(name, "/\\") {
		http.NotFound(w, r)
		return
	}
	b, err := assets.ReadFile("assets/" + name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(b)
}
