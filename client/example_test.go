package client_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"

	"github.com/lanterne/lanterne/client"
	"github.com/lanterne/lanterne/crypto/envelope"
	"github.com/lanterne/lanterne/crypto/referentkey"
	"github.com/lanterne/lanterne/crypto/scrub/pdfscrub"
)

// A reporter's device: verify the directory against the pinned fingerprint,
// then submit a report with a photo. The code is shown even when a file
// failed: the case exists and can be completed later.
func ExampleClient_Submit() {
	ctx := context.Background()
	c := client.New("https://signalement.example.org", nil)
	c.PDFScrubber = pdfscrub.PDF // a browser build may leave PDFs out

	pin := &client.Pin{OrgID: "mairie-exemple", Fingerprint: "K7QM-2DX9-HRT4-P3VN-W8KE"}
	d, err := c.Directory(ctx, pin)
	if err != nil {
		log.Fatal(err) // wrong organisation, rollback, expired…
	}
	// Store pin (its Version changed) before going on.

	photo := "photo.jpg"
	info, err := os.Stat(photo)
	if err != nil {
		log.Fatal(err)
	}
	sub := &client.Submission{
		Report: envelope.Report{
			Channel:  envelope.ChannelAVDHAS,
			Role:     envelope.RoleVictim,
			Category: envelope.CategorySexistAct,
			Facts:    "Remarques sexistes répétées en réunion d'équipe.",
		},
		Identity:       &envelope.Identity{Name: "Camille Martin"},
		IdentityChoice: client.Sealed,
		Files: []client.File{{
			Name: filepath.Base(photo), MediaType: "image/jpeg", Size: info.Size(),
			Open: func() (io.ReadCloser, error) { return os.Open(photo) },
		}},
	}
	rcpt, err := c.Submit(ctx, d, sub, func(p client.Progress) {
		fmt.Printf("%s: %d/%d\n", p.Name, p.Done, p.Total)
	})
	if rcpt != nil {
		fmt.Println("Votre code de suivi :", rcpt.Code) // show it first, whatever happened
	}
	if err != nil {
		log.Print(err)
	}
}

// A referent's workstation: open the key file, log in, read the inbox and
// answer a case.
func ExampleClient_Login() {
	ctx := context.Background()
	c := client.New("https://signalement.example.org", nil)
	d, err := c.Directory(ctx, &client.Pin{OrgID: "mairie-exemple", Fingerprint: "K7QM-2DX9-HRT4-P3VN-W8KE"})
	if err != nil {
		log.Fatal(err)
	}
	sealed, err := os.ReadFile("referent.key")
	if err != nil {
		log.Fatal(err)
	}
	key, err := referentkey.Parse(sealed, os.Getenv("PASSPHRASE"))
	if err != nil {
		log.Fatal(err)
	}
	rs, err := c.Login(ctx, d, key)
	if err != nil {
		log.Fatal(err)
	}
	cases, err := rs.Inbox(ctx)
	if err != nil {
		log.Fatal(err)
	}
	for _, cs := range cases {
		rc, err := rs.Open(ctx, cs.LookupID)
		if err != nil {
			log.Print(err)
			continue
		}
		msgs, err := rc.Messages(ctx)
		if err != nil {
			log.Fatal(err)
		}
		for _, m := range msgs {
			if !m.Verified {
				fmt.Println("message non vérifié :", m.Err)
				continue
			}
			fmt.Println(m.Author, m.Body)
		}
		if cs.Status == "received" {
			err = rc.SetStatus(ctx, "acknowledged", "Nous avons bien reçu votre signalement.")
			if err != nil {
				log.Print(err)
			}
		}
	}
}
