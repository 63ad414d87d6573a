package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/url"
	"strings"

	"github.com/lanterne/lanterne/crypto/envelope"
)

//go:embed templates i18n
var templateFS embed.FS

// langs are the page languages, the default first.
var langs = []string{"fr", "en"}

// pageSpec describes one page: its template, the key of its title, and its
// scripts (beside app.js), if any.
type pageSpec struct {
	template string
	title    string
	scripts  []string
}

var pageSpecs = map[string]pageSpec{
	"orgs":          {"orgs", "orgs.title", []string{"orgs.js"}},
	"home":          {"home", "home.title", []string{"home.js"}},
	"report":        {"report", "report.title", []string{"receipt.js", "report.js"}},
	"followup":      {"followup", "followup.title", []string{"followup.js"}},
	"invitation":    {"invitation", "invitation.title", []string{"receipt.js", "invitation.js"}},
	"definitions":   {"definitions", "definitions.title", nil},
	"help":          {"help", "help.title", nil},
	"accessibility": {"accessibility", "accessibility.title", nil},
}

// page is a page's templates, one per language.
type page struct {
	name string
	spec pageSpec
	tmpl map[string]*template.Template
}

func (p *page) execute(w io.Writer, d *pageData) error {
	return p.tmpl[d.Lang].ExecuteTemplate(w, "layout", d)
}

// loadPages parses layout.html and partials.html with each page's template, for each
// language. A page's template is templates/NAME.LANG.html when it exists
// (prose written per language), else templates/NAME.html with {{t "key"}}
// strings from i18n/LANG/*.json.
func loadPages(as assets) (map[string]*page, error) {
	dicts := map[string]map[string]string{}
	for _, l := range langs {
		d, err := loadStrings(l)
		if err != nil {
			return nil, err
		}
		dicts[l] = d
	}
	out := map[string]*page{}
	for name, spec := range pageSpecs {
		p := &page{name: name, spec: spec, tmpl: map[string]*template.Template{}}
		for _, l := range langs {
			file := "templates/" + spec.template + "." + l + ".html"
			if _, err := fs.Stat(templateFS, file); err != nil {
				file = "templates/" + spec.template + ".html"
			}
			t, err := template.New("").Funcs(funcs(dicts[l], as)).ParseFS(templateFS, "templates/layout.html", "templates/partials.html", file)
			if err != nil {
				return nil, fmt.Errorf("web: page %s (%s): %w", name, l, err)
			}
			p.tmpl[l] = t
		}
		out[name] = p
	}
	return out, nil
}

// loadStrings merges i18n/LANG/*.json, one flat object of strings per
// file; a key defined in two files is an error.
func loadStrings(lang string) (map[string]string, error) {
	files, err := fs.Glob(templateFS, "i18n/"+lang+"/*.json")
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("web: no strings for %s", lang)
	}
	out := map[string]string{}
	for _, f := range files {
		b, err := templateFS.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var d map[string]string
		if err := json.Unmarshal(b, &d); err != nil {
			return nil, fmt.Errorf("web: %s: %w", f, err)
		}
		for k, v := range d {
			if _, dup := out[k]; dup {
				return nil, fmt.Errorf("web: %s: %q is defined twice", f, k)
			}
			out[k] = v
		}
	}
	return out, nil
}

// funcs are the template functions of one language. t panics on a missing
// key, which fails the page at parse-free render time and in the tests.
func funcs(dict map[string]string, as assets) template.FuncMap {
	// The scripts' strings, once per language rather than per page served.
	js := map[string]string{}
	for k, v := range dict {
		if strings.HasPrefix(k, "js.") {
			js[k[3:]] = v
		}
	}
	return template.FuncMap{
		"t": func(key string) (string, error) {
			s, ok := dict[key]
			if !ok {
				return "", fmt.Errorf("web: no string %q", key)
			}
			return s, nil
		},
		"asset":     as.url,
		"jsStrings": func() map[string]string { return js },
	}
}

// pageData is what every template gets.
type pageData struct {
	Lang      string // "fr" or "en"
	OtherLang string
	Page      string
	Title     string   // i18n key of the page title
	Scripts   []string // page script assets
	Org       string   // organisation id, or "" outside an organisation
	Path      string   // this page's path, for the language switch
	QuickExit string
	// Categories and Criteria are the report form's lists, labelled in
	// Lang, in the protocol's order (package envelope).
	Categories []labelled
	Criteria   []labelled
	// Contacts are the organisation's own help contacts, in Lang.
	Contacts []contactView
}

type labelled struct {
	ID, Label, Channel string
}

// Q is the query that keeps the language on links ("" or "?lang=en").
func (d *pageData) Q() string {
	if d.Lang == "en" {
		return "?lang=en"
	}
	return ""
}

// Base is the organisation's page prefix ("/o/ID/").
func (d *pageData) Base() string { return "/o/" + url.PathEscape(d.Org) + "/" }

// Link is the address of a page of this organisation (or of the site,
// outside one) in this page's language: Link "signaler", Link "" for home.
func (d *pageData) Link(page string) string {
	if d.Org == "" {
		return "/" + page + d.Q()
	}
	return d.Base() + page + d.Q()
}

// Switch is the address of this page in the other language.
func (d *pageData) Switch() string {
	if d.OtherLang == "en" {
		return d.Path + "?lang=en"
	}
	return d.Path + "?lang=fr"
}

func (h *Handler) data(p *page, lang, org, path string) *pageData {
	d := &pageData{Lang: lang, OtherLang: "en", Page: p.name, Title: p.spec.title, Scripts: p.spec.scripts,
		Org: org, Path: path, QuickExit: h.cfg.QuickExitURL}
	if lang == "en" {
		d.OtherLang = "fr"
	}
	if s, ok := h.cfg.Orgs[org]; ok && org != "" {
		if s.QuickExitURL != "" {
			d.QuickExit = s.QuickExitURL
		}
		if p.name == "help" {
			for _, c := range s.Help {
				d.Contacts = append(d.Contacts, c.in(lang))
			}
		}
	}
	if p.name == "report" || p.name == "invitation" {
		for _, c := range envelope.Categories() {
			d.Categories = append(d.Categories, labelled{string(c), envelope.CategoryLabel(c, lang), string(envelope.ChannelFor(c))})
		}
		for _, c := range envelope.Criteria() {
			d.Criteria = append(d.Criteria, labelled{ID: string(c), Label: envelope.CriterionLabel(c, lang)})
		}
	}
	return d
}
