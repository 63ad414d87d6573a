package casekey_test

import (
	"fmt"
	"testing"

	"github.com/lanterne/lanterne/crypto/agekey"
	"github.com/lanterne/lanterne/crypto/casekey"
	"github.com/lanterne/lanterne/crypto/directory"
)

func benchOrg(b *testing.B, n int) *org {
	members := make([]member, n)
	for i := range members {
		members[i] = member{fmt.Sprintf("referent-%02d", i), []directory.RouteID{directory.RouteAVDHAS}}
	}
	return newOrg(b, agekey.Hybrid, members)
}

// BenchmarkNewCase measures the reporter's device: select readers, make a
// hybrid case key and wrap it to every referent and the reporter.
func BenchmarkNewCase(b *testing.B) {
	for _, n := range []int{1, 3, 10} {
		b.Run(fmt.Sprintf("referents=%d", n), func(b *testing.B) {
			o := benchOrg(b, n)
			reporter := newIdentity(b, agekey.Hybrid).Recipient()
			for b.Loop() {
				if _, _, _, err := casekey.NewCase(o.dir, caseA, directory.RouteAVDHAS, false, nil, reporter); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkOpenKeyring measures a referent opening a case with 10 referents
// and the reporter: 11 wraps tried, one opened.
func BenchmarkOpenKeyring(b *testing.B) {
	o := benchOrg(b, 10)
	reporter := newIdentity(b, agekey.Hybrid).Recipient()
	_, wraps, _, err := casekey.NewCase(o.dir, caseA, directory.RouteAVDHAS, false, nil, reporter)
	if err != nil {
		b.Fatal(err)
	}
	id := o.ids["referent-09"]
	for b.Loop() {
		if _, err := casekey.OpenKeyring(caseA, wraps, id); err != nil {
			b.Fatal(err)
		}
	}
}
