// Sample static web server for the live-reload integration tests (stdlib only).
//
// GET any path -> "version=<version>\npid=<pid>\n". The version is compiled in:
//
//	CGO_ENABLED=0 go build -ldflags "-X main.version=v1" -o app/server
//
// (scripts/provision/build-go-app.sh does this). Listens on $PORT (default 8080);
// exits 0 promptly on SIGTERM or SIGINT.
package main

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

var version = "dev"

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	pid := os.Getpid()

	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "version=%s\npid=%d\n", version, pid)
	})
	srv := &http.Server{Addr: ":" + port, Handler: mux, ReadHeaderTimeout: 5 * time.Second}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	fmt.Printf("go-web: version=%s pid=%d listening on :%s\n", version, pid, port)

	select {
	case err := <-errc:
		log.Fatalf("go-web: %v", err)
	case <-ctx.Done():
		fmt.Println("go-web: got signal, exiting")
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdownCtx)
	}
}
