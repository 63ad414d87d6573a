package casekey_test

import (
	"bytes"
	"fmt"
	"io"

	"filippo.io/age"

	"github.com/lanterne/lanterne/crypto/agekey"
	"github.com/lanterne/lanterne/crypto/casekey"
	"github.com/lanterne/lanterne/crypto/directory"
)

// exampleDirectory returns a directory with two AVDHAS referents and one
// conflict referent, and their identities.
func exampleDirectory() (*directory.Directory, map[string]*agekey.Identity) {
	d := &directory.Directory{
		Format: directory.Format, OrgID: "mairie-exemple", CaseKeyKind: agekey.Hybrid,
		Routes: []directory.Route{{ID: directory.RouteAVDHAS}, {ID: directory.RouteConflict}},
	}
	ids := map[string]*agekey.Identity{}
	for _, r := range []struct {
		id    string
		route directory.RouteID
	}{{"rh-martin", directory.RouteAVDHAS}, {"dgs-leroy", directory.RouteAVDHAS}, {"cdg-referent", directory.RouteConflict}} {
		id, _ := agekey.Generate(agekey.Hybrid)
		ids[r.id] = id
		d.Referents = append(d.Referents, directory.Referent{
			ID: r.id, AgeRecipient: id.Recipient().String(), Routes: []directory.RouteID{r.route},
		})
	}
	return d, ids
}

func ExampleSelectReaders() {
	d, _ := exampleDirectory()
	show := func(authority bool, excluded ...string) {
		readers, route, err := casekey.SelectReaders(d, directory.RouteAVDHAS, authority, excluded)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Print(route, ":")
		for _, r := range readers {
			fmt.Print(" ", r.ID)
		}
		fmt.Println()
	}
	show(false)
	show(false, "dgs-leroy")
	show(true)
	show(false, "rh-martin", "dgs-leroy")
	show(true, "cdg-referent")
	// Output:
	// avdhas: rh-martin dgs-leroy
	// avdhas: rh-martin
	// conflict: cdg-referent
	// conflict: cdg-referent
	// casekey: no referent is left to read this report
}

func ExampleNewCase() {
	d, ids := exampleDirectory()
	reporter, _ := agekey.Generate(agekey.Hybrid) // in Lanterne: derived from the case code
	const caseID = "6b1e5f0c2d7a48e39f10a2b4c6d8e0f1"

	// On the reporter's device: make the case key and its wraps, then
	// encrypt the report to the case key.
	kr, wraps, route, err := casekey.NewCase(d, caseID, directory.RouteAVDHAS, false, []string{"dgs-leroy"}, reporter.Recipient())
	if err != nil {
		panic(err)
	}
	var report bytes.Buffer
	w, _ := age.Encrypt(&report, kr.Current(casekey.RoleCase).Recipient())
	io.WriteString(w, "les faits")
	w.Close()
	for _, w := range wraps {
		fmt.Println("wrap for", w.Reader, w.Role, w.Generation)
	}

	// On a referent's device: open the keyring and read.
	for _, who := range []string{"rh-martin", "dgs-leroy"} {
		kr, err := casekey.OpenKeyring(caseID, wraps, ids[who])
		if err != nil {
			fmt.Println(who+":", err)
			continue
		}
		r, _ := age.Decrypt(bytes.NewReader(report.Bytes()), kr.Identities()...)
		facts, _ := io.ReadAll(r)
		fmt.Printf("%s reads %q via %s\n", who, facts, route)
	}
	// Output:
	// wrap for rh-martin case 1
	// wrap for reporter case 1
	// rh-martin reads "les faits" via avdhas
	// dgs-leroy: casekey: none of the identities given opens this wrap
}

func ExampleRewrap() {
	d, ids := exampleDirectory()
	reporter, _ := agekey.Generate(agekey.Hybrid)
	const caseID = "6b1e5f0c2d7a48e39f10a2b4c6d8e0f1"
	_, wraps, _, _ := casekey.NewCase(d, caseID, directory.RouteAVDHAS, false, nil, reporter.Recipient())

	// rh-martin hands the case over to a newly appointed referent.
	successor, _ := agekey.Generate(agekey.Hybrid)
	kr, _ := casekey.OpenKeyring(caseID, wraps, ids["rh-martin"])
	more, _ := casekey.Rewrap(kr, caseID, "rh-durand", successor.Recipient())
	wraps = append(wraps, more...)

	theirs, err := casekey.OpenKeyring(caseID, wraps, successor)
	fmt.Println(err, theirs.Current(casekey.RoleCase).Generation)
	// Output: <nil> 1
}

func ExampleRotate() {
	d, ids := exampleDirectory()
	reporter, _ := agekey.Generate(agekey.Hybrid)
	const caseID = "6b1e5f0c2d7a48e39f10a2b4c6d8e0f1"
	_, wraps, _, _ := casekey.NewCase(d, caseID, directory.RouteAVDHAS, false, nil, reporter.Recipient())

	// dgs-leroy is removed from the case: rh-martin rotates the case key to
	// the remaining readers.
	kr, _ := casekey.OpenKeyring(caseID, wraps, ids["rh-martin"])
	gen2, more, _ := casekey.Rotate(kr, caseID, map[string]age.Recipient{
		"rh-martin":      ids["rh-martin"].Recipient(),
		casekey.Reporter: reporter.Recipient(),
	}, casekey.RoleCase)
	wraps = append(wraps, more...)

	removed, _ := casekey.OpenKeyring(caseID, wraps, ids["dgs-leroy"])
	fmt.Println("new generation:", gen2.Generation)
	fmt.Println("dgs-leroy holds generation:", removed.Current(casekey.RoleCase).Generation)
	// Output:
	// new generation: 2
	// dgs-leroy holds generation: 1
}
