package pdfscrub_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"github.com/lanterne/lanterne/crypto/scrub"
	"github.com/lanterne/lanterne/crypto/scrub/pdfscrub"
)

func testPDF(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("../testdata/meta.pdf")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// open parses a PDF with pdfcpu, independently of the scrubber's settings.
func open(t *testing.T, b []byte) *model.Context {
	t.Helper()
	conf := model.NewDefaultConfiguration()
	ctx, err := api.ReadAndValidate(bytes.NewReader(b), conf)
	if err != nil {
		t.Fatalf("pdfcpu cannot open: %v", err)
	}
	return ctx
}

func TestPDF(t *testing.T) {
	in := testPDF(t)
	for _, s := range []string{"Camille Rapporteur", "Page Author Dominique", "Traitement de texte 9", "GPSLatitude"} {
		if !bytes.Contains(in, []byte(s)) {
			t.Fatalf("test file lacks %q", s)
		}
	}
	var out bytes.Buffer
	rep, err := pdfscrub.PDF(&out, bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if want := []scrub.Item{scrub.ItemInfo, scrub.ItemXMP, scrub.ItemGPS}; !slices.Equal(rep.Removed, want) || rep.Type != scrub.TypePDF {
		t.Errorf("report %+v, want removed %v", rep, want)
	}
	for _, s := range []string{"Camille", "Dominique", "Traitement", "Lanterne Test PDF", "Compte rendu", "GPS", "xmpmeta"} {
		if bytes.Contains(out.Bytes(), []byte(s)) {
			t.Errorf("output still contains %q", s)
		}
	}

	before, after := open(t, in), open(t, out.Bytes())
	if before.PageCount != 2 || after.PageCount != before.PageCount {
		t.Errorf("page count %d became %d", before.PageCount, after.PageCount)
	}
	if after.Info != nil {
		d, _ := after.DereferenceDict(*after.Info)
		for k := range d {
			if k != "Producer" && k != "CreationDate" && k != "ModDate" {
				t.Errorf("Info still has %s", k)
			}
		}
	}
	if _, ok := after.RootDict.Find("Metadata"); ok {
		t.Error("catalog still has Metadata")
	}
	for i := 1; i <= after.PageCount; i++ {
		d, _, _, err := after.PageDict(i, false)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := d.Find("Metadata"); ok {
			t.Errorf("page %d still has Metadata", i)
		}
	}
	// The pages' text survives.
	for i, want := range []string{"Page one: the facts", "Page two: more facts"} {
		r, err := api.ExtractPage(after, i+1)
		if err != nil {
			t.Fatal(err)
		}
		var content bytes.Buffer
		content.ReadFrom(r)
		if !strings.Contains(content.String(), want) {
			t.Errorf("page %d content lost: %q", i+1, content.String())
		}
	}

	if tags := exiftoolTags(t, out.Bytes()); tags != nil {
		for k, v := range tags {
			_, name, _ := strings.Cut(k, ":")
			if strings.HasPrefix(k, "XMP") || strings.Contains(name, "GPS") || name == "Author" || name == "Title" || name == "Creator" {
				t.Errorf("exiftool still finds %s = %v", k, v)
			}
		}
		if tags["PDF:PageCount"] != float64(2) {
			t.Errorf("exiftool page count %v", tags["PDF:PageCount"])
		}
	}
}

func exiftoolTags(t *testing.T, b []byte) map[string]any {
	t.Helper()
	path, err := exec.LookPath("exiftool")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("exiftool is missing under CI (apt-get install libimage-exiftool-perl)")
		}
		t.Log("exiftool not installed: skipping the exiftool cross-check")
		return nil
	}
	f := filepath.Join(t.TempDir(), "out.pdf")
	if err := os.WriteFile(f, b, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(path, "-j", "-a", "-G1", f).Output()
	if err != nil {
		t.Fatalf("exiftool: %v", err)
	}
	var res []map[string]any
	if err := json.Unmarshal(out, &res); err != nil || len(res) != 1 {
		t.Fatalf("exiftool output: %v", err)
	}
	return res[0]
}

func TestPDFRefuses(t *testing.T) {
	in := testPDF(t)
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"not a PDF", []byte("%PDF-1.4 and then nothing"), pdfscrub.ErrNotPDF},
		{"empty", nil, pdfscrub.ErrNotPDF},
		{"truncated", in[:200], pdfscrub.ErrNotPDF},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := pdfscrub.PDF(&bytes.Buffer{}, bytes.NewReader(tc.in))
			if !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
	big := &sizedReader{size: pdfscrub.MaxSize + 1}
	if _, err := pdfscrub.PDF(&bytes.Buffer{}, big); !errors.Is(err, pdfscrub.ErrTooLarge) || big.read {
		t.Errorf("oversized: %v (content read: %v)", err, big.read)
	}
}

// sizedReader pretends to be a file of the given size.
type sizedReader struct {
	size int64
	pos  int64
	read bool
}

func (s *sizedReader) Read(p []byte) (int, error) {
	s.read = true
	return 0, errors.New("not readable")
}
func (s *sizedReader) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case 0:
		s.pos = off
	case 2:
		s.pos = s.size + off
	default:
		s.pos += off
	}
	return s.pos, nil
}

func TestScrubDispatch(t *testing.T) {
	var out bytes.Buffer
	rep, err := pdfscrub.Scrub(&out, bytes.NewReader(testPDF(t)), scrub.TypePDF)
	if err != nil || !rep.Has(scrub.ItemInfo) {
		t.Errorf("PDF: %v, %+v", err, rep)
	}
	out.Reset()
	rep, err = pdfscrub.Scrub(&out, bytes.NewReader([]byte("plain text")), scrub.TypeOther)
	if err != nil || !rep.Unscrubbed || out.String() != "plain text" {
		t.Errorf("other: %v, %+v", err, rep)
	}
}

func ExamplePDF() {
	in, _ := os.ReadFile("../testdata/meta.pdf")
	var out bytes.Buffer
	rep, err := pdfscrub.PDF(&out, bytes.NewReader(in))
	if err != nil {
		panic(err)
	}
	fmt.Println(rep.Removed)
	fmt.Println("author still there:", bytes.Contains(out.Bytes(), []byte("Camille")))
	// Output:
	// [document-info xmp gps]
	// author still there: false
}

func BenchmarkPDF(b *testing.B) {
	in := testPDF(b)
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := pdfscrub.PDF(&bytes.Buffer{}, bytes.NewReader(in)); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzPDF(f *testing.F) {
	f.Add(testPDF(f))
	f.Add([]byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R /Info << /Author (x) >> >>\n%%EOF\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		var out bytes.Buffer
		if _, err := pdfscrub.PDF(&out, bytes.NewReader(in)); err != nil {
			return
		}
		ctx, err := api.ReadContext(bytes.NewReader(out.Bytes()), model.NewDefaultConfiguration())
		if err != nil {
			t.Fatalf("scrubbed output does not parse: %v", err)
		}
		if _, ok := ctx.RootDict.Find("Metadata"); ok {
			t.Fatal("output catalog has Metadata")
		}
	})
}

// The tests' own pdfcpu calls (model.NewDefaultConfiguration) must not
// create a configuration directory in $HOME.
func init() { api.DisableConfigDir() }
