package api

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"

	"github.com/paulmach/orb/maptile"

	"github.com/gridsweep/gridsweep/data"
)

// Raster heatmap parameters. The kernel is a Gaussian of heatSigma bins (6 px on a
// 256-pixel tile); heatPad bins around the tile (over 3 sigma) feed it, so neighbouring tiles
// blend without seams.
const (
	heatSigma = 1.5
	heatPad   = 5
)

// heatReference is the sweep count (per bin-sized neighbourhood) drawn at full colour at
// zoom z. It is fixed per zoom, not taken from the tile's own maximum, so neighbouring tiles
// agree on colour; a bin at z-1 covers four of z, hence the factor 4.
func heatReference(z maptile.Zoom) float64 {
	return math.Max(4, 100*math.Pow(4, 16-float64(z)))
}

// renderHeatPNG draws the bins of one tile (data.HeatBins with heatPad) as a size×size PNG:
// the counts are smoothed with a separable Gaussian on the bin grid, upsampled bilinearly
// and coloured on a log scale from transparent blue to opaque red.
func renderHeatPNG(bins []data.HeatBin, z maptile.Zoom, size int) ([]byte, error) {
	const n = data.HeatBins + 2*heatPad
	var grid [n * n]float64
	for _, b := range bins {
		i, j := b.I+heatPad, b.J+heatPad
		if i >= 0 && i < n && j >= 0 && j < n {
			grid[j*n+i] += float64(b.N)
		}
	}
	// The kernel, normalised to sum 1 in each direction: blurring keeps totals.
	const r = heatPad
	var k [2*r + 1]float64
	var ks float64
	for d := -r; d <= r; d++ {
		k[d+r] = math.Exp(-float64(d*d) / (2 * heatSigma * heatSigma))
		ks += k[d+r]
	}
	for i := range k {
		k[i] /= ks
	}
	var tmp, blur [n * n]float64
	for j := range n {
		for i := range n {
			var s float64
			for d := -r; d <= r; d++ {
				if ii := i + d; ii >= 0 && ii < n {
					s += grid[j*n+ii] * k[d+r]
				}
			}
			tmp[j*n+i] = s
		}
	}
	for j := range n {
		for i := range n {
			var s float64
			for d := -r; d <= r; d++ {
				if jj := j + d; jj >= 0 && jj < n {
					s += tmp[jj*n+i] * k[d+r]
				}
			}
			blur[j*n+i] = s
		}
	}
	// Back from density to "sweeps near here" (a lone bin of count c peaks at c), then to the
	// ramp position on the log scale. Interpolating the position between bin centres rather
	// than the density costs one log per bin instead of one per pixel and looks the same.
	norm := 2 * math.Pi * heatSigma * heatSigma
	logRef := math.Log1p(heatReference(z))
	var pos [n * n]float64
	for i, v := range blur {
		pos[i] = math.Log1p(v*norm) / logRef
	}
	// Below this a pixel stays transparent: less than a twentieth of a sweep nearby.
	minPos := math.Log1p(0.05) / logRef

	// A paletted image: one byte per pixel and no PNG filtering, several times faster to
	// encode than RGBA, and the ramp has no more than 256 colours anyway.
	img := image.NewPaletted(image.Rect(0, 0, size, size), heatPalette)
	binPx := float64(size) / data.HeatBins
	for py := range size {
		v := (float64(py)+0.5)/binPx - 0.5 + heatPad
		j0 := int(math.Floor(v))
		fy := v - float64(j0)
		row := img.Pix[py*img.Stride:]
		for px := range size {
			u := (float64(px)+0.5)/binPx - 0.5 + heatPad
			i0 := int(math.Floor(u))
			fx := u - float64(i0)
			t := (pos[j0*n+i0]*(1-fx)+pos[j0*n+i0+1]*fx)*(1-fy) +
				(pos[(j0+1)*n+i0]*(1-fx)+pos[(j0+1)*n+i0+1]*fx)*fy
			if t < minPos {
				continue // index 0: transparent
			}
			row[px] = uint8(1 + math.Round(math.Min(t, 1)*254))
		}
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// heatPalette is transparent at index 0 and the ramp from 0 to 1 at indices 1..255.
var heatPalette = func() color.Palette {
	p := make(color.Palette, 256)
	p[0] = color.NRGBA{}
	for i := 1; i < 256; i++ {
		p[i] = heatColour(float64(i-1) / 254)
	}
	return p
}()

// heatRamp is the colour ramp: position, colour with alpha.
var heatRamp = [...]struct {
	t float64
	c color.NRGBA
}{
	{0, color.NRGBA{0, 0, 255, 0}},
	{0.15, color.NRGBA{0, 60, 255, 140}},
	{0.4, color.NRGBA{0, 220, 255, 180}},
	{0.6, color.NRGBA{80, 255, 40, 200}},
	{0.8, color.NRGBA{255, 230, 0, 215}},
	{1, color.NRGBA{230, 20, 10, 230}},
}

func heatColour(t float64) color.NRGBA {
	t = math.Max(0, math.Min(1, t))
	for i := 1; i < len(heatRamp); i++ {
		a, b := heatRamp[i-1], heatRamp[i]
		if t > b.t {
			continue
		}
		f := (t - a.t) / (b.t - a.t)
		mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + (float64(y)-float64(x))*f)) }
		return color.NRGBA{mix(a.c.R, b.c.R), mix(a.c.G, b.c.G), mix(a.c.B, b.c.B), mix(a.c.A, b.c.A)}
	}
	return heatRamp[len(heatRamp)-1].c
}
