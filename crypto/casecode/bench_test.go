package casecode

import "testing"

func BenchmarkDerive(b *testing.B) {
	b.Logf("%s", ProtocolParams())
	c, err := Parse("7QM2DX-9HRT4P-3VNW84")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Derive("demo-org", PurposeCase, c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	for b.Loop() {
		if _, err := Parse("7qm2dx 9hrt4p 3vnw84"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		if _, err := Generate(); err != nil {
			b.Fatal(err)
		}
	}
}
