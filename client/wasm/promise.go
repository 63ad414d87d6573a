//go:build js && wasm

package main

import (
	"encoding/json"
	"errors"
	"strings"
	"syscall/js"
)

// jsError is what a rejected Promise carries: a stable code for the page
// and the Go error's text.
type jsError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// async returns a JS function that runs fn in its own goroutine (a JS
// callback must not block) and returns a Promise of fn's result, encoded
// as JSON and parsed on the JS side.
func async(fn func(args []js.Value) (any, error)) js.Func {
	return js.FuncOf(func(this js.Value, args []js.Value) any {
		args = append([]js.Value(nil), args...)
		var executor js.Func
		executor = js.FuncOf(func(this js.Value, pa []js.Value) any {
			resolve, reject := pa[0], pa[1]
			go func() {
				defer executor.Release()
				// A panic must not kill the module with the Promise
				// pending for ever: it rejects, and the page says to reload.
				defer func() {
					if r := recover(); r != nil {
						reject.Invoke(toJS(jsError{Code: "wasm", Message: "internal error"}))
					}
				}()
				v, err := fn(args)
				if err != nil {
					reject.Invoke(toJS(jsError{Code: errorCode(err), Message: err.Error()}))
					return
				}
				resolve.Invoke(toJS(v))
			}()
			return nil
		})
		return js.Global().Get("Promise").New(executor)
	})
}

// syncFunc returns a JS function that runs fn at once and returns its result
// as a JS value; an error is thrown as {code, message}.
func syncFunc(fn func(args []js.Value) (any, error)) js.Func {
	return js.FuncOf(func(this js.Value, args []js.Value) any {
		v, err := fn(args)
		if err != nil {
			return toJS(map[string]any{"error": jsError{Code: errorCode(err), Message: err.Error()}})
		}
		return toJS(v)
	})
}

// toJS turns v into a JS value through JSON (nil gives null).
func toJS(v any) js.Value {
	if v == nil {
		return js.Null()
	}
	if jv, ok := v.(js.Value); ok {
		return jv
	}
	b, err := json.Marshal(v)
	if err != nil {
		return js.Null()
	}
	return js.Global().Get("JSON").Call("parse", string(b))
}

// fromJS decodes a JS value into dst through JSON, refusing unknown fields.
func fromJS(v js.Value, dst any) error {
	if v.IsUndefined() || v.IsNull() {
		return errBadArgument
	}
	s := js.Global().Get("JSON").Call("stringify", v).String()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return errors.Join(errBadArgument, err)
	}
	return nil
}

// await blocks the calling goroutine (never a JS callback) until the
// Promise p settles.
func await(p js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1)
	var then, catch js.Func
	then = js.FuncOf(func(this js.Value, args []js.Value) any {
		ch <- result{v: args[0]}
		return nil
	})
	catch = js.FuncOf(func(this js.Value, args []js.Value) any {
		ch <- result{err: errors.New(args[0].Call("toString").String())}
		return nil
	})
	p.Call("then", then, catch)
	r := <-ch
	then.Release()
	catch.Release()
	return r.v, r.err
}
