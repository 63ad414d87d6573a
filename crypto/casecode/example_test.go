package casecode_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/lanterne/lanterne/crypto/casecode"
)

func ExampleGenerate() {
	code, err := casecode.Generate()
	if err != nil {
		panic(err)
	}
	// Show code.String() to the reporter, once; never log it.
	display := code.String()
	fmt.Println(len(display), strings.Count(display, "-"))

	back, err := casecode.Parse(strings.ToLower(display))
	fmt.Println(back == code, err)
	// Output:
	// 20 2
	// true <nil>
}

func ExampleParse() {
	// Typed on a phone: lower case, spaces instead of hyphens.
	code, err := casecode.Parse("7qm2dx 9hrt4p 3vnw84")
	fmt.Println(code, err)

	_, err = casecode.Parse("7QM2DX-9HRT4P-3VNW85") // last symbol mistyped
	fmt.Println(errors.Is(err, casecode.ErrTypo))

	_, err = casecode.Parse("7QM2DX-9HRU4P-3VNW84")
	var ce *casecode.CharError
	if errors.As(err, &ce) {
		fmt.Println("wrong character at position", ce.Position)
	}
	// Output:
	// 7QM2DX-9HRT4P-3VNW84 <nil>
	// true
	// wrong character at position 10
}

func ExampleDerive() {
	code, err := casecode.Parse("7QM2DX-9HRT4P-3VNW84")
	if err != nil {
		panic(err)
	}
	s, err := casecode.Derive("demo-org", casecode.PurposeCase, code)
	if err != nil {
		panic(err)
	}
	// The lookup id goes to the server; the auth secret proves the code.
	fmt.Println(s.LookupIDHex())
	stored := casecode.AuthHash(s.AuthSecret[:]) // what the server keeps
	fmt.Println(casecode.CheckAuth(stored, s.AuthSecret[:]))
	fmt.Println(strings.HasPrefix(s.ReporterIdentity.Recipient().String(), "age1pq1"))
	// Output:
	// b5d9c895ee1bd30f379beee51d34b38d
	// true
	// true
}

func ExampleProtocolParams() {
	fmt.Println(casecode.ProtocolParams())
	// Output:
	// Argon2id t=3 m=65536 KiB p=4 len=32
}
