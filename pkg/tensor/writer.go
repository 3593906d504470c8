// This file is the stream writer: records are encoded, compressed with zstd
// and flushed one by one, so a downstream tool can start on the first record
// while later ones are still being produced.

package tensor

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/klauspost/compress/zstd"
)

// chunkBytes is the size of the buffer data is encoded and decoded through.
const chunkBytes = 64 << 10

// Writer writes a tensor stream to an io.Writer. Its output depends only on
// the tensors written (the compression runs on one goroutine), so the same
// input gives the same bytes.
type Writer struct {
	dst     io.Writer
	enc     *zstd.Encoder
	buf     []byte
	started bool
	closed  bool
	count   uint64 // records written
	err     error  // sticky
}

// NewWriter returns a Writer compressing to w. Nothing is written before the
// first Write or Close.
func NewWriter(w io.Writer) *Writer {
	return &Writer{dst: w}
}

func (w *Writer) start() error {
	if w.started {
		return nil
	}
	w.started = true
	enc, err := zstd.NewWriter(w.dst,
		zstd.WithEncoderConcurrency(1),
		zstd.WithEncoderLevel(zstd.SpeedFastest),
		zstd.WithEncoderCRC(true),
	)
	if err != nil {
		return fmt.Errorf("tensor stream: start zstd encoder: %w", err)
	}
	w.enc = enc
	w.buf = make([]byte, 0, chunkBytes)
	hdr := append([]byte(Magic), 0, 0, 0, 0)
	binary.LittleEndian.PutUint32(hdr[len(Magic):], Version)
	_, err = w.enc.Write(hdr)
	return err
}

// Write validates t (see Tensor.Validate), appends it to the stream and
// flushes the compressed bytes to the underlying writer.
func (w *Writer) Write(t *Tensor) error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return errors.New("tensor stream: Write after Close")
	}
	if err := t.Validate(); err != nil {
		return err // the stream is still fine: nothing was written
	}
	if err := w.write(t); err != nil {
		w.err = fmt.Errorf("tensor stream: write record %d %q: %w", w.count, t.Name, err)
		return w.err
	}
	w.count++
	return nil
}

func (w *Writer) write(t *Tensor) error {
	if err := w.start(); err != nil {
		return err
	}
	if _, err := w.enc.Write(appendRecordHeader(w.buf[:0], t)); err != nil {
		return err
	}
	if err := w.writeData(t); err != nil {
		return err
	}
	return w.enc.Flush()
}

// writeData writes t's elements little-endian through w.buf.
func (w *Writer) writeData(t *Tensor) error {
	switch t.DType {
	case Uint8:
		// Bytes need no conversion; write them in chunks so a huge tensor
		// is not handed to the encoder in one piece.
		for p := t.U8; len(p) > 0; {
			n := min(len(p), chunkBytes)
			if _, err := w.enc.Write(p[:n]); err != nil {
				return err
			}
			p = p[n:]
		}
	case Int32:
		for p := t.I32; len(p) > 0; {
			n := min(len(p), chunkBytes/4)
			b := w.buf[:0]
			for _, v := range p[:n] {
				b = binary.LittleEndian.AppendUint32(b, uint32(v))
			}
			if _, err := w.enc.Write(b); err != nil {
				return err
			}
			p = p[n:]
		}
	case Float32:
		for p := t.F32; len(p) > 0; {
			n := min(len(p), chunkBytes/4)
			b := w.buf[:0]
			for _, v := range p[:n] {
				b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
			}
			if _, err := w.enc.Write(b); err != nil {
				return err
			}
			p = p[n:]
		}
	}
	return nil
}

// Close writes the end marker and ends the zstd stream. It does not close
// the underlying io.Writer. A stream closed without any Write is a valid
// stream of no records. Close may be called more than once.
func (w *Writer) Close() error {
	if w.closed {
		return w.err
	}
	w.closed = true
	if w.err != nil {
		return w.err
	}
	if err := w.start(); err != nil {
		w.err = err
		return err
	}
	end := append([]byte(endTag), 0, 0, 0, 0, 0, 0, 0, 0)
	binary.LittleEndian.PutUint64(end[len(endTag):], w.count)
	if _, err := w.enc.Write(end); err != nil {
		w.err = fmt.Errorf("tensor stream: write end marker: %w", err)
		return w.err
	}
	if err := w.enc.Close(); err != nil {
		w.err = fmt.Errorf("tensor stream: write end marker: %w", err)
		return w.err
	}
	return nil
}

// WriteAll writes ts to w as one whole stream (the records in order, then
// the end marker): the writing twin of ReadAll.
func WriteAll(w io.Writer, ts ...*Tensor) error {
	tw := NewWriter(w)
	for _, t := range ts {
		if err := tw.Write(t); err != nil {
			return err
		}
	}
	return tw.Close()
}
