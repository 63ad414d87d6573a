package envelope

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/lanterne/lanterne/crypto/agekey"
)

func TestReportRoundTrip(t *testing.T) {
	caseKey := key(t, agekey.Hybrid, 1)
	in := testReport()
	ct, err := SealReport(in, caseKey.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	if in.Schema != "" {
		t.Error("SealReport modified its argument")
	}
	out, err := OpenReport(ct, caseKey)
	if err != nil {
		t.Fatal(err)
	}
	want := *in
	want.Schema = ReportSchema
	if !reflect.DeepEqual(out, &want) {
		t.Errorf("round trip:\n got %+v\nwant %+v", out, &want)
	}

	// A time in another zone is stored in UTC, as the same instant.
	paris := testReport()
	paris.SubmittedAt = testTime.In(time.FixedZone("CET", 3600))
	ct, _ = SealReport(paris, caseKey.Recipient())
	out, err = OpenReport(ct, caseKey)
	if err != nil || !out.SubmittedAt.Equal(testTime) || out.SubmittedAt.Location() != time.UTC {
		t.Errorf("submitted_at: %v, %v", out.SubmittedAt, err)
	}

	// Empty lists are [] in the JSON and come back empty.
	bare := &Report{Channel: ChannelWhistleblowing, Role: RoleWitness, Category: CategoryOther, Facts: "Marché public truqué.", SubmittedAt: testTime}
	payload, err := encodeReport(bare)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`"criteria":[]`, `"excluded_referents":[]`, `"evidence":[]`, `"schema":"lanterne-report/1"`} {
		if !strings.Contains(string(payload), s) {
			t.Errorf("payload lacks %s: %s", s, payload)
		}
	}
}

func TestReportValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(r *Report)
		want   error
	}{
		{"valid", func(r *Report) {}, nil},
		{"valid without criteria", func(r *Report) { r.Criteria = nil }, nil},
		{"valid whistleblowing", func(r *Report) {
			r.Channel, r.Category, r.Criteria = ChannelWhistleblowing, CategoryOther, nil
		}, nil},
		{"valid witness", func(r *Report) { r.Role = RoleWitness }, nil},
		{"sexist act", func(r *Report) { r.Category, r.Criteria = CategorySexistAct, nil }, nil},
		{"other schema", func(r *Report) { r.Schema = "lanterne-report/2" }, ErrSchema},
		{"unknown channel", func(r *Report) { r.Channel = "hr" }, ErrInvalid},
		{"unknown role", func(r *Report) { r.Role = "manager" }, ErrInvalid},
		{"unknown category", func(r *Report) { r.Category = "theft" }, ErrInvalid},
		{"AVDHAS category on the whistleblowing channel", func(r *Report) { r.Channel = ChannelWhistleblowing }, ErrInvalid},
		{"other on the AVDHAS channel", func(r *Report) { r.Category, r.Criteria = CategoryOther, nil }, ErrInvalid},
		{"criteria without discrimination", func(r *Report) { r.Category = CategoryMoralHarassment }, ErrInvalid},
		{"unknown criterion", func(r *Report) { r.Criteria = []Criterion{"Origine"} }, ErrInvalid},
		{"criterion twice", func(r *Report) { r.Criteria = []Criterion{"sexe", "sexe"} }, ErrInvalid},
		{"no facts", func(r *Report) { r.Facts = " \n" }, ErrInvalid},
		{"facts not UTF-8", func(r *Report) { r.Facts = "caf\xe9" }, ErrInvalid},
		{"where too long", func(r *Report) { r.Where = strings.Repeat("x", MaxFieldSize+1) }, ErrInvalid},
		{"excluded referent not an id", func(r *Report) { r.Conflict.ExcludedReferents = []string{"Mme Dupont"} }, ErrInvalid},
		{"excluded referent twice", func(r *Report) { r.Conflict.ExcludedReferents = []string{"ref-2", "ref-2"} }, ErrInvalid},
		{"excluded 'reporter'", func(r *Report) { r.Conflict.ExcludedReferents = []string{"reporter"} }, ErrInvalid},
		{"evidence file id not hex", func(r *Report) { r.Evidence[0].FileID = "photo1" }, ErrInvalid},
		{"evidence name with a path", func(r *Report) { r.Evidence[0].Name = "../../etc/passwd" }, ErrInvalid},
		{"evidence name with a newline", func(r *Report) { r.Evidence[0].Name = "a\nb.png" }, ErrInvalid},
		{"evidence media type with parameters", func(r *Report) { r.Evidence[0].MediaType = "text/plain; charset=utf-8" }, ErrInvalid},
		{"evidence media type upper case", func(r *Report) { r.Evidence[0].MediaType = "Image/PNG" }, ErrInvalid},
		{"evidence hash upper case", func(r *Report) { r.Evidence[0].PlaintextSHA256 = strings.ToUpper(r.Evidence[0].PlaintextSHA256) }, ErrInvalid},
		{"evidence hash short", func(r *Report) { r.Evidence[0].CiphertextSHA256 = "00" }, ErrInvalid},
		{"evidence ciphertext not larger", func(r *Report) { r.Evidence[0].CiphertextSize = r.Evidence[0].Size }, ErrInvalid},
		{"evidence negative size", func(r *Report) { r.Evidence[0].Size = -1 }, ErrInvalid},
		{"evidence file twice", func(r *Report) { r.Evidence = append(r.Evidence, r.Evidence[0]) }, ErrInvalid},
		{"no submission time", func(r *Report) { r.SubmittedAt = time.Time{} }, ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := testReport()
			r.Schema = ReportSchema
			tc.change(r)
			err := r.Validate()
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
			if _, serr := SealReport(r, key(t, agekey.X25519, 1).Recipient()); (serr == nil) != (err == nil) {
				t.Errorf("SealReport disagrees with Validate: %v", serr)
			}
		})
	}
}

func TestReportStrictDecode(t *testing.T) {
	good, err := encodeReport(testReport())
	if err != nil {
		t.Fatal(err)
	}
	s := string(good)
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"the encoder's output", s, nil},
		{"with spaces and newlines", strings.ReplaceAll(s, `,"`, ",\n  \""), nil},
		{"unknown field", strings.Replace(s, `{"schema"`, `{"ip":"1.2.3.4","schema"`, 1), ErrMalformed},
		{"unknown nested field", strings.Replace(s, `"meeting":true`, `"meeting":true,"phone":true`, 1), ErrMalformed},
		{"duplicate field", strings.Replace(s, `"facts":`, `"facts":"autre chose","facts":`, 1), ErrMalformed},
		{"field in upper case", strings.Replace(s, `"facts":`, `"FACTS":`, 1), ErrMalformed},
		{"case-folded duplicate", strings.Replace(s, `"facts":`, `"Facts":"x","facts":`, 1), ErrMalformed},
		{"kelvin sign in a key", strings.Replace(s, `"schema"`, "\"s\u212Aema\"", 1), ErrMalformed},
		{"trailing object", s + `{}`, ErrMalformed},
		{"trailing garbage", s + `x`, ErrMalformed},
		{"truncated", s[:len(s)-1], ErrMalformed},
		{"array", `[` + s + `]`, ErrMalformed},
		{"null", `null`, ErrMalformed},
		{"empty", ``, ErrMalformed},
		{"wrong type", strings.Replace(s, `"meeting":true`, `"meeting":"yes"`, 1), ErrMalformed},
		{"other schema", strings.Replace(s, ReportSchema, "lanterne-report/2", 1), ErrSchema},
		{"no schema", strings.Replace(s, `"schema":"lanterne-report/1",`, ``, 1), ErrSchema},
		{"invalid category", strings.Replace(s, `"discrimination"`, `"theft"`, 1), ErrInvalid},
		{"deep nesting", strings.Replace(s, `"criteria":[`, `"criteria":`+strings.Repeat("[", 40), 1), ErrMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decodeReport([]byte(tc.in))
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
		})
	}
}

// TestErrorsDoNotEchoContent: what a reporter typed never shows in an error
// (which may be logged).
func TestErrorsDoNotEchoContent(t *testing.T) {
	const secret = "zqxjsecretzqxj"
	good, _ := encodeReport(testReport())
	s := string(good)
	inputs := []string{
		strings.Replace(s, `{"schema"`, `{"`+secret+`":1,"schema"`, 1),
		strings.Replace(s, `"facts":`, `"`+secret+`":1,"`+secret+`":2,"facts":`, 1),
		strings.Replace(s, `"discrimination"`, `"`+secret+`"`, 1),
		strings.Replace(s, `"ref-2"`, `"`+secret+` "`, 1),
		strings.Replace(s, `"meeting":true`, `"meeting":"`+secret+`"`, 1),
		strings.Replace(s, `"submitted_at":"`, `"submitted_at":"`+secret, 1),
		strings.Replace(s, `"schema":"`, `"schema":"`+secret, 1),
	}
	for i, in := range inputs {
		_, err := decodeReport([]byte(in))
		if err == nil {
			t.Errorf("input %d accepted", i)
		} else if strings.Contains(err.Error(), secret) {
			t.Errorf("input %d: error echoes content: %v", i, err)
		}
	}
}

func TestLabels(t *testing.T) {
	crit := Criteria()
	if len(crit) != 22 {
		t.Fatalf("%d criteria, want 22", len(crit))
	}
	// The order of domain.md, pinned at both ends and in the middle.
	for i, want := range map[int]Criterion{0: "origine", 1: "sexe", 2: "situation_famille", 3: "grossesse", 11: "handicap", 16: "age", 21: "ethnie_nation_race_religion"} {
		if crit[i] != want {
			t.Errorf("criterion %d is %q, want %q", i, crit[i], want)
		}
	}
	seen := map[string]bool{}
	for _, c := range crit {
		if !validKey(string(c)) || seen[string(c)] {
			t.Errorf("criterion id %q is not a unique lower-case ASCII id", c)
		}
		seen[string(c)] = true
		fr, en := CriterionLabel(c, "fr"), CriterionLabel(c, "en")
		if fr == "" || en == "" || fr == en && c != "handicap" && c != "age" {
			t.Errorf("criterion %q: labels %q / %q", c, fr, en)
		}
	}
	if CriterionLabel("grossesse", "fr") != "Grossesse" || CriterionLabel("grossesse", "en") != "Pregnancy" {
		t.Error("grossesse labels")
	}
	if CriterionLabel("grossesse", "de") != "" || CriterionLabel("nope", "fr") != "" {
		t.Error("unknown language or criterion has a label")
	}
	cats := Categories()
	if len(cats) != 7 || cats[0] != CategoryViolence || cats[6] != CategoryOther {
		t.Errorf("categories %v", cats)
	}
	for _, c := range cats {
		if CategoryLabel(c, "fr") == "" || CategoryLabel(c, "en") == "" {
			t.Errorf("category %q lacks a label", c)
		}
		want := ChannelAVDHAS
		if c == CategoryOther {
			want = ChannelWhistleblowing
		}
		if ChannelFor(c) != want {
			t.Errorf("ChannelFor(%q) = %q", c, ChannelFor(c))
		}
	}
	if CategoryLabel(CategorySexistAct, "fr") != "Agissement sexiste" || ChannelFor("theft") != "" {
		t.Error("category labels or ChannelFor of an unknown category")
	}
	// The returned slices are copies.
	crit[0] = "x"
	if Criteria()[0] != "origine" {
		t.Error("Criteria returns shared state")
	}
}
