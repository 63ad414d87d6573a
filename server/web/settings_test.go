package web

import (
	"strings"
	"testing"
)

const sampleSettings = `{
  "ville-a": {
    "help": [
      {"name": {"fr": "Médecine de prévention", "en": "Occupational health"}, "phone": "01 23 45 67 89",
       "details": {"fr": "Confidentiel, sur rendez-vous."}, "email": "medecine@ville-a.example"}
    ],
    "quick_exit_url": "https://www.service-public.fr/"
  }
}`

func TestSettingsShowOnHelpPage(t *testing.T) {
	orgs, err := ParseSettings(strings.NewReader(sampleSettings))
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(Config{Orgs: orgs})
	if err != nil {
		t.Fatal(err)
	}
	fr := get(t, h, "/o/ville-a/aide").Body.String()
	for _, want := range []string{"Médecine de prévention", `href="tel:0123456789"`, "01 23 45 67 89", "Confidentiel, sur rendez-vous.",
		`href="mailto:medecine@ville-a.example"`, `href="https://www.service-public.fr/"`} {
		if !strings.Contains(fr, want) {
			t.Errorf("French help page lacks %q", want)
		}
	}
	en := get(t, h, "/o/ville-a/aide?lang=en").Body.String()
	if !strings.Contains(en, "Occupational health") || !strings.Contains(en, "Confidentiel, sur rendez-vous.") {
		t.Errorf("English help page lacks the contact (or its French fallback)")
	}
	// Another organisation keeps the national contacts only.
	other := get(t, h, "/o/ville-b/aide").Body.String()
	if strings.Contains(other, "Médecine de prévention</dt>") || strings.Contains(other, "service-public") {
		t.Errorf("ville-a's settings show on ville-b's page")
	}
}

func TestSettingsRefused(t *testing.T) {
	for name, js := range map[string]string{
		"bad org id":      `{"Ville A": {}}`,
		"unknown field":   `{"ville-a": {"colour": "red"}}`,
		"no French name":  `{"ville-a": {"help": [{"name": {"en": "x"}}]}}`,
		"other language":  `{"ville-a": {"help": [{"name": {"fr": "x", "de": "y"}}]}}`,
		"phone letters":   `{"ville-a": {"help": [{"name": {"fr": "x"}, "phone": "call me"}]}}`,
		"bad email":       `{"ville-a": {"help": [{"name": {"fr": "x"}, "email": "a@b@c"}]}}`,
		"http exit":       `{"ville-a": {"quick_exit_url": "http://example.org/"}}`,
		"javascript exit": `{"ville-a": {"quick_exit_url": "javascript:alert(1)"}}`,
		"not JSON":        `{"ville-a": `,
	} {
		if _, err := ParseSettings(strings.NewReader(js)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := New(Config{QuickExitURL: "javascript:void(0)"}); err == nil {
		t.Errorf("a javascript: quick exit was accepted")
	}
}

// FuzzParseSettings: any bytes either parse into settings that pass their
// own check and render the help page, or are refused; never a panic.
func FuzzParseSettings(f *testing.F) {
	f.Add([]byte(sampleSettings))
	f.Add([]byte(`{"ville-a": {"help": [{"name": {"fr": "x"}, "phone": "+33 1"}]}}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		orgs, err := ParseSettings(strings.NewReader(string(b)))
		if err != nil {
			return
		}
		h, err := New(Config{Orgs: orgs})
		if err != nil {
			t.Fatalf("parsed settings refused by New: %v", err)
		}
		for org := range orgs {
			if w := get(t, h, "/o/"+org+"/aide"); w.Code != 200 {
				t.Fatalf("help page of %s: %d", org, w.Code)
			}
		}
	})
}
