package referentkey_test

import (
	"fmt"
	"strings"

	"github.com/lanterne/lanterne/crypto/agekey"
	"github.com/lanterne/lanterne/crypto/referentkey"
)

func Example() {
	// The administrator's tool makes the referent's keys and seals them
	// under the passphrase the referent chose.
	k, err := referentkey.Generate("rh-martin", agekey.Hybrid)
	if err != nil {
		panic(err)
	}
	file, err := referentkey.Marshal(k, "une longue phrase de passe", 10) // agekey.DefaultWorkFactor outside tests
	if err != nil {
		panic(err)
	}
	fmt.Println(strings.SplitN(string(file), "\n", 2)[0])

	// The public half goes into the directory, with a name and routes.
	entry := k.Public()
	fmt.Println(entry.ID, entry.AgeRecipient[:7], len(entry.VerifyKey))

	// The referent's device opens the file.
	if _, err := referentkey.Parse(file, "une autre phrase"); err != nil {
		fmt.Println(err)
	}
	back, err := referentkey.Parse(file, "une longue phrase de passe")
	fmt.Println(back.ID, err)
	// Output:
	// age-encryption.org/v1
	// rh-martin age1pq1 32
	// referentkey: agekey: wrong passphrase or damaged file
	// rh-martin <nil>
}
