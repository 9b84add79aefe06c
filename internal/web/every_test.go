package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/netdemo/netdemo/demos"
)

// Every demo of the tour, run from the page in a real browser: it ends
// "done", the page throws nothing and breaks none of its own policy, every
// step has a slide, and no narration shows raw Markdown (** or `) where
// the text view shows bold or code. A screenshot of each demo's handout
// (every slide open) is left as an artifact. Skipped with -short: it runs
// all the demos (about 20 seconds).
func TestBrowserEveryDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every demo in a browser; skipped with -short")
	}
	ctx := newBrowser(t)
	_, ts := newTestServer(t, Config{Demos: demos.All(), Lang: "en"})
	hs := ts.URL
	var mu sync.Mutex
	var console []string
	cctx, stop := context.WithCancel(ctx)
	defer stop()
	go func() {
		for m, err := range chromedp.Console(cctx) {
			if err != nil {
				return
			}
			if m.IsException() || m.Type == chromedp.ConsoleError {
				mu.Lock()
				console = append(console, m.String()+" "+m.URL)
				mu.Unlock()
			}
		}
	}()
	dir := artifactDir(t)
	for _, d := range demos.All() {
		for _, lang := range []string{"en", "zh"} {
			body, _ := json.Marshal(startRequest{Demo: d.Name, Lang: lang})
			req, _ := http.NewRequest("POST", hs+"/api/runs", bytes.NewReader(body))
			req.Header.Set("X-Netdemo-Token", "test-token")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var rep startReply
			json.NewDecoder(resp.Body).Decode(&rep)
			resp.Body.Close()
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("starting %s: %s %s", d.Name, resp.Status, rep.Error)
			}
			do1(t, ctx, "opening "+rep.URL, chromedp.Navigate(hs+rep.URL))
			poll(t, ctx, d.Name+" ending", `window.netdemoRun && ['done','failed','cancelled'].includes(window.netdemoRun.status)`, 4*time.Minute) // workers under -race on a busy machine
			if st := eval[string](t, ctx, `window.netdemoRun.status + ' ' + document.getElementById('error').textContent`); st != "done " {
				t.Errorf("%s --lang %s in the page: %s", d.Name, lang, st)
			}
			steps := eval[int](t, ctx, `window.netdemoRun.events.filter(e => e.kind === 'step').length`)
			slides := eval[int](t, ctx, `document.querySelectorAll('section.slide').length`)
			if steps == 0 || slides != steps+2 {
				t.Errorf("%s --lang %s: %d steps, %d slides; want a slide per step, the opening and what you just saw", d.Name, lang, steps, slides)
			}
			// "What you just saw" in both languages, refilled with the
			// run's numbers, yes/no in words.
			saw := eval[[]string](t, ctx, `Array.from(document.querySelectorAll('.md.saw')).map(e => e.getAttribute('data-l') + ' ' + e.textContent)`)
			if len(saw) != 2 {
				t.Errorf("%s --lang %s: what you just saw is in %d language(s), want en and zh", d.Name, lang, len(saw))
			}
			for _, text := range saw {
				if m := trueFalseRE.FindString(text); m != "" {
					t.Errorf("%s --lang %s: what you just saw says %q: %.200s", d.Name, lang, m, text)
				}
			}
			raw := eval[[]string](t, ctx, `Array.from(document.querySelectorAll('.say:not(pre), .md, caption, .stitle')).map(e => e.innerText).filter(t => /\*\*|`+"`"+`/.test(t))`)
			if len(raw) > 0 {
				t.Errorf("%s --lang %s shows raw Markdown: %q", d.Name, lang, raw)
			}
			// A step's link, opened afresh: that slide, its title in view.
			link := eval[string](t, ctx, `location.origin + location.pathname + '#' + document.querySelectorAll('section.slide')[2].id`)
			do1(t, ctx, "opening "+link, chromedp.Navigate(link))
			poll(t, ctx, "the linked slide", `window.netdemoRun && window.netdemoRun.status === 'done' && document.querySelector('section.slide.current') && location.href === `+jsString(link), 20*time.Second)
			if id := eval[string](t, ctx, `document.querySelector('section.slide.current').id`); "#"+id != link[strings.Index(link, "#"):] {
				t.Errorf("%s: the link %s opened %s", d.Name, link, id)
			}
			if under := eval[float64](t, ctx, `document.querySelector('.bar').getBoundingClientRect().bottom - document.querySelector('section.slide.current .stitle').getBoundingClientRect().top`); under > 0 {
				t.Errorf("%s --lang %s: the link %s shows its title %.0f px under the header", d.Name, lang, link, under)
			}
			if v := eval[[]string](t, ctx, `window.netdemoCSP`); len(v) != 0 {
				t.Errorf("%s --lang %s: the page broke its Content-Security-Policy: %v", d.Name, lang, v)
			}
			// Each slide as the projector shows it: nothing wider than
			// the screen (a wide table or line scrolls inside its own box).
			// The presenter's way through: ← back to the opening, then →.
			for range slides {
				do1(t, ctx, "←", chromedp.KeyEvent(kb.ArrowLeft))
			}
			for i := range slides {
				if i > 0 {
					do1(t, ctx, "→", chromedp.KeyEvent(kb.ArrowRight))
				}
				poll(t, ctx, "slide shown", fmt.Sprintf(`window.netdemoRun.current === %d`, i), 5*time.Second)
				if under := eval[float64](t, ctx, `document.querySelector('.bar').getBoundingClientRect().bottom - document.querySelector('section.slide.current .stitle').getBoundingClientRect().top`); under > 0 {
					t.Errorf("%s --lang %s slide %d: its title starts %.0f px under the header", d.Name, lang, i, under)
				}
				if wide := eval[[]string](t, ctx, wideJS); len(wide) > 0 {
					t.Errorf("%s --lang %s slide %d is wider than the window: %q", d.Name, lang, i, wide)
				}
				if os.Getenv("NETDEMO_ARTIFACTS") != "" {
					shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
					if err != nil {
						t.Fatal(err)
					}
					os.WriteFile(filepath.Join(dir, fmt.Sprintf("web-%s-%s-%02d.png", d.Name, lang, i)), shot, 0o644)
				}
			}
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, c := range console {
		if !strings.Contains(c, "favicon") {
			t.Errorf("the console: %s", c)
		}
	}
	t.Logf("handout screenshots in %s", dir)
}

// wideJS names the elements of the current slide that stick out past the
// window's right edge, and the page's own horizontal overflow.
const wideJS = `(() => {
	const out = [];
	const w = document.documentElement.clientWidth;
	if (document.documentElement.scrollWidth > w + 1) out.push('page ' + document.documentElement.scrollWidth + ' > ' + w);
	const scrolls = (e) => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX);
	for (const e of document.querySelectorAll('section.slide.current .sbody *')) {
		const r = e.getBoundingClientRect();
		const p = e.parentElement;
		if (r.width > 0 && r.right > w + 1 && p.getBoundingClientRect().right <= w + 1) {
			let inside = false;
			for (let a = p; a && !inside; a = a.parentElement) inside = scrolls(a);
			if (!inside) out.push(e.tagName.toLowerCase() + '.' + e.className + ' right=' + Math.round(r.right) + ' ' + e.textContent.slice(0, 60));
		}
	}
	return out.slice(0, 5);
})()`

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

var trueFalseRE = regexp.MustCompile(`\b(true|false)\b`)
