package main

import "context"

func cmdServe(ctx context.Context, e *env, args []string) error  { return errNotYet }
func cmdDemo(ctx context.Context, e *env, args []string) error   { return errNotYet }
func cmdReport(ctx context.Context, e *env, args []string) error { return errNotYet }
