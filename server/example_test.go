package server_test

import (
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"

	"github.com/lanterne/lanterne/server"
	"github.com/lanterne/lanterne/store"
)

func ExampleNew() {
	dir, err := os.MkdirTemp("", "lanterne-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	st, err := store.Open(filepath.Join(dir, "lanterne.db"), store.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()

	srv, err := server.New(server.Config{Store: st, OperatorToken: "from a 0600 file", TLS: true})
	if err != nil {
		log.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler()) // in production: srv.HTTPServer(":8443")
	defer ts.Close()

	resp, err := ts.Client().Get(ts.URL + "/api/v1/orgs")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, resp.Header.Get("Cache-Control"))
	fmt.Print(string(body))
	// Output:
	// 200 no-store
	// {"orgs":[]}
}
