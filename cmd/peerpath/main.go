// Command peerpath is the whole of peerpath in one binary: the web
// application, its JSON API, and the administration commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"peerpath/internal/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := app.Main(ctx, os.Args, os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}
