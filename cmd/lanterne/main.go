// Command lanterne is Lanterne's single binary: the server (serve, demo),
// the organisation's admin tool (org), the referent's workstation
// (referent), the reporter's command-line client (report) and the auditor's
// checks (audit). Run `lanterne help` for the list.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e := &env{
		stdin:  os.Stdin,
		stdout: os.Stdout,
		stderr: os.Stderr,
		getenv: os.Getenv,
		now:    time.Now,
		tty:    openTTY,
	}
	os.Exit(run(ctx, e, os.Args[1:]))
}

// env is everything a command touches outside its arguments, so that tests
// run commands in-process with their own streams and clock.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	now            func() time.Time
	// tty opens the terminal for a passphrase prompt; nil when there is
	// none.
	tty func() (ttyIO, error)
}

type command struct {
	name, summary string
	run           func(ctx context.Context, e *env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "run the server", cmdServe},
		{"demo", "run a local demo server with a demo organisation and referent", cmdDemo},
		{"org", "manage an organisation: init, add-referent, remove-referent, publish, register", cmdOrg},
		{"referent", "a referent's workstation: keygen, inbox, show, reply, status, request-identity, export, ui (local web app on 127.0.0.1)", cmdReferent},
		{"report", "report and follow a case: submit, status, messages, reply, attach, release-identity", cmdReport},
		{"audit", "check a store holds only ciphertext: audit store PATH", cmdAudit},
		{"backup", "copy a running server's store: backup --server URL --out FILE", cmdBackup},
	}
}

func run(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(e.stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			if err := c.run(ctx, e, args[1:]); err != nil {
				return report(e, err)
			}
			return 0
		}
	}
	errorf(e, "lanterne: unknown command %q", args[0])
	usage(e.stderr)
	return 2
}

func usage(w io.Writer) {
	io.WriteString(w, "Usage: lanterne COMMAND [options]\n\nCommands:\n")
	for _, c := range commands() {
		io.WriteString(w, "  "+pad(c.name, 10)+c.summary+"\n")
	}
	io.WriteString(w, "\nRun `lanterne COMMAND -h` for a command's options.\n")
}

func pad(s string, n int) string {
	for len(s) < n {
		s += " "
	}
	return s
}
