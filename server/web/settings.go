package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/lanterne/lanterne/crypto/directory"
)

// OrgSettings is what an organisation adds to its pages: its own support
// contacts, shown on the help page before the national ones. They are
// public information the operator configures; nothing in them is secret.
type OrgSettings struct {
	// Help lists the organisation's support contacts (médecine de
	// prévention, social worker, psychologist, listening cell…).
	Help []Contact `json:"help"`
	// QuickExitURL, if set, replaces Config.QuickExitURL on the
	// organisation's pages.
	QuickExitURL string `json:"quick_exit_url,omitempty"`
}

// Contact is one support contact. Texts are given per language ("fr",
// "en"); a missing English text falls back to the French one.
type Contact struct {
	Name    map[string]string `json:"name"`
	Details map[string]string `json:"details,omitempty"`
	// Phone is dialled by the page's tel: link (digits, spaces, '+').
	Phone string `json:"phone,omitempty"`
	// Email, if set, is shown with a mailto: link.
	Email string `json:"email,omitempty"`
	// Where is free text: an address, office hours.
	Where map[string]string `json:"where,omitempty"`
}

// Limits of the settings file.
const (
	maxSettingsSize = 1 << 20
	maxContacts     = 50
	maxContactText  = 2000
)

// ParseSettings reads the per-organisation settings: a JSON object from
// organisation id to OrgSettings. Unknown fields are refused.
func ParseSettings(r io.Reader) (map[string]OrgSettings, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxSettingsSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxSettingsSize {
		return nil, errors.New("web: the settings file is larger than 1 MiB")
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	var out map[string]OrgSettings
	if err := dec.Decode(&out); err != nil {
		return nil, fmt.Errorf("web: settings: %w", err)
	}
	for org, s := range out {
		if !directory.ValidOrgID(org) {
			return nil, fmt.Errorf("web: settings: %q is not an organisation id", org)
		}
		if err := s.check(); err != nil {
			return nil, fmt.Errorf("web: settings of %s: %w", org, err)
		}
	}
	return out, nil
}

func (s *OrgSettings) check() error {
	if len(s.Help) > maxContacts {
		return fmt.Errorf("at most %d help contacts", maxContacts)
	}
	if s.QuickExitURL != "" {
		if err := checkExitURL(s.QuickExitURL); err != nil {
			return err
		}
	}
	for i, c := range s.Help {
		if strings.TrimSpace(c.Name["fr"]) == "" {
			return fmt.Errorf("help[%d]: a French name is required", i)
		}
		for _, m := range []map[string]string{c.Name, c.Details, c.Where} {
			for lang, v := range m {
				if lang != "fr" && lang != "en" {
					return fmt.Errorf("help[%d]: language %q (want fr or en)", i, lang)
				}
				if len(v) > maxContactText || !utf8.ValidString(v) {
					return fmt.Errorf("help[%d]: texts are at most %d bytes of UTF-8", i, maxContactText)
				}
			}
		}
		if strings.Trim(c.Phone, "+0123456789 .") != "" || len(c.Phone) > 32 {
			return fmt.Errorf("help[%d]: phone: digits, spaces, dots and '+' only", i)
		}
		if c.Email != "" && (len(c.Email) > 254 || strings.Count(c.Email, "@") != 1 || strings.ContainsAny(c.Email, " <>\"?&")) {
			return fmt.Errorf("help[%d]: not an email address", i)
		}
	}
	return nil
}

// checkExitURL accepts an https address only (the quick exit leaves for
// a page on the open web, never for a script).
func checkExitURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
		return errors.New("quick_exit_url must be an https:// address")
	}
	return nil
}

// contactView is a Contact in one language, for the help page.
type contactView struct {
	Name, Details, Where, Phone, Tel, Email string
}

func (c Contact) in(lang string) contactView {
	pick := func(m map[string]string) string {
		if v := m[lang]; v != "" {
			return v
		}
		return m["fr"]
	}
	return contactView{Name: pick(c.Name), Details: pick(c.Details), Where: pick(c.Where),
		Phone: c.Phone, Tel: strings.NewReplacer(" ", "", ".", "").Replace(c.Phone), Email: c.Email}
}
