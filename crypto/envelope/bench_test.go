package envelope

import (
	"fmt"
	"strings"
	"testing"

	"filippo.io/age"

	"github.com/lanterne/lanterne/crypto/agekey"
)

// benchReport returns a report whose payload fills most of the 4 KiB bucket.
func benchReport(b *testing.B) *Report {
	r := testReport()
	r.Facts = ""
	base, err := encodeReport(&Report{Channel: r.Channel, Role: r.Role, Category: r.Category, Criteria: r.Criteria,
		Facts: "x", Wishes: r.Wishes, Conflict: r.Conflict, Evidence: r.Evidence, SubmittedAt: r.SubmittedAt})
	if err != nil {
		b.Fatal(err)
	}
	r.Facts = strings.Repeat("f", 4000-len(base))
	if p, _ := encodeReport(r); Bucket(len(p)) != 4096 {
		b.Fatalf("bench report payload of %d bytes is not in the 4 KiB bucket", len(p))
	}
	return r
}

func benchKeys(b *testing.B, kind agekey.Kind, n int) ([]age.Recipient, *agekey.Identity) {
	var rs []age.Recipient
	var last *agekey.Identity
	for i := range n {
		last = key(b, kind, byte(i+1))
		rs = append(rs, last.Recipient())
	}
	return rs, last
}

// BenchmarkSeal seals a 4 KiB report to 1, 2, 5 and 10 recipients and
// reports the envelope size (ct-bytes).
func BenchmarkSeal(b *testing.B) {
	for _, kind := range []agekey.Kind{agekey.Hybrid, agekey.X25519} {
		for _, n := range []int{1, 2, 5, 10} {
			b.Run(fmt.Sprintf("%s/%d", kind, n), func(b *testing.B) {
				r := benchReport(b)
				rs, _ := benchKeys(b, kind, n)
				var ct []byte
				for b.Loop() {
					var err error
					if ct, err = SealReport(r, rs...); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(len(ct)), "ct-bytes")
			})
		}
	}
}

// BenchmarkOpen opens and decodes a 4 KiB report sealed to 1, 2, 5 and 10
// recipients with the last recipient's identity: the worst case, since age
// tries the stanzas in order.
func BenchmarkOpen(b *testing.B) {
	for _, kind := range []agekey.Kind{agekey.Hybrid, agekey.X25519} {
		for _, n := range []int{1, 2, 5, 10} {
			b.Run(fmt.Sprintf("%s/%d", kind, n), func(b *testing.B) {
				rs, last := benchKeys(b, kind, n)
				ct, err := SealReport(benchReport(b), rs...)
				if err != nil {
					b.Fatal(err)
				}
				for b.Loop() {
					if _, err := OpenReport(ct, last); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(len(ct)), "ct-bytes")
			})
		}
	}
}
