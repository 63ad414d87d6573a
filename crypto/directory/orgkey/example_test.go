package orgkey_test

import (
	"fmt"
	"log"

	"github.com/lanterne/lanterne/crypto/agekey"
	"github.com/lanterne/lanterne/crypto/directory/orgkey"
)

// The admin makes the organisation key once, rotates it when the signing
// machine changes, and keeps it sealed under a passphrase.
func ExampleSigner_Rotate() {
	s, err := orgkey.NewSigner("mairie-exemple")
	if err != nil {
		log.Fatal(err)
	}
	fingerprint := s.Fingerprint()
	if err := s.Rotate(); err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(s.Chain()), "keys, same fingerprint:", s.Fingerprint() == fingerprint)

	sealed, err := s.MarshalPrivate("une longue phrase de passe", agekey.DefaultWorkFactor-8) // use DefaultWorkFactor for real
	if err != nil {
		log.Fatal(err)
	}
	back, err := orgkey.UnmarshalPrivate(sealed, "une longue phrase de passe")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("loaded:", back.Fingerprint() == fingerprint, len(back.Chain()), "keys")
	// Output:
	// 2 keys, same fingerprint: true
	// loaded: true 2 keys
}
