package server

import (
	"io"
	"log"
)

func newTestLogger(w io.Writer) *log.Logger { return log.New(w, "", 0) }
