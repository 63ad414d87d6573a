package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// usageError is a mistake in the command line: exit status 2.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

func errorf(e *env, format string, a ...any) { fmt.Fprintf(e.stderr, format+"\n", a...) }

// report prints err and returns the exit status.
func report(e *env, err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	errorf(e, "lanterne: %v", err)
	var u usageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}

// flags makes a FlagSet that writes its help to stderr and returns errors.
func flags(e *env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: lanterne %s\n\nOptions:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	return nil
}

// output prints v as indented JSON when asJSON, else calls text.
func output(e *env, asJSON bool, v any, text func(w io.Writer)) error {
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	text(e.stdout)
	return nil
}

// ttyIO is a terminal opened for a prompt.
type ttyIO interface {
	io.ReadWriteCloser
	Fd() uintptr
}

func openTTY() (ttyIO, error) { return os.OpenFile("/dev/tty", os.O_RDWR, 0) }

// secret returns a secret from the environment variable name, or asks for it
// on the terminal without echo. Secrets never come from the command line,
// where other users of the machine could read them.
func secret(e *env, name, prompt string, confirm bool) (string, error) {
	if v := e.getenv(name); v != "" {
		return v, nil
	}
	if e.tty == nil {
		return "", fmt.Errorf("%s is not set and there is no terminal to ask on", name)
	}
	t, err := e.tty()
	if err != nil {
		return "", fmt.Errorf("%s is not set and there is no terminal to ask on", name)
	}
	defer t.Close()
	ask := func(p string) (string, error) {
		fmt.Fprint(t, p)
		b, err := term.ReadPassword(int(t.Fd()))
		fmt.Fprintln(t)
		return string(b), err
	}
	v, err := ask(prompt + ": ")
	if err != nil {
		return "", err
	}
	if confirm {
		again, err := ask("Again: ")
		if err != nil {
			return "", err
		}
		if again != v {
			return "", errors.New("the two entries differ")
		}
	}
	if v == "" {
		return "", errors.New("empty entry")
	}
	return v, nil
}

// caseCode reads a case code from LANTERNE_CASE_CODE or the first line of
// standard input: never from the command line.
func caseCode(e *env) (string, error) {
	if v := e.getenv("LANTERNE_CASE_CODE"); v != "" {
		return v, nil
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", errors.New("no case code: set LANTERNE_CASE_CODE or give it on standard input")
	}
	return strings.TrimSpace(line), nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
