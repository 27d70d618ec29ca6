package api

import (
	"bytes"
	"image/png"
	"math/rand/v2"
	"testing"

	"github.com/gridsweep/gridsweep/data"
)

func TestRenderHeatPNGPeaksAtTheBinAndFadesOut(t *testing.T) {
	b, err := renderHeatPNG([]data.HeatBin{{I: 32, J: 16, N: 50}}, 16, 256)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	// Bin (32, 16) spans pixels 128..131 × 64..67.
	_, _, _, peak := img.At(130, 66).RGBA()
	_, _, _, near := img.At(130+8, 66).RGBA()
	_, _, _, far := img.At(130+40, 66).RGBA()
	if !(peak > near && near > 0 && far == 0) {
		t.Errorf("alpha at the bin %d, 8 px away %d, 40 px away %d: want peak > near > 0 = far", peak, near, far)
	}
	// Bins in the pad around the tile reach into it: a neighbour's heat crosses the edge.
	b, _ = renderHeatPNG([]data.HeatBin{{I: -1, J: 16, N: 500}}, 16, 256)
	img, _ = png.Decode(bytes.NewReader(b))
	if _, _, _, a := img.At(0, 66).RGBA(); a == 0 {
		t.Error("heat from the bin west of the tile does not show at its edge")
	}
}

func TestHeatColourRamp(t *testing.T) {
	if c := heatColour(0); c.A != 0 {
		t.Errorf("zero is not transparent: %v", c)
	}
	if c := heatColour(1); c.R < 200 || c.G > 50 {
		t.Errorf("the top of the ramp is not red: %v", c)
	}
	for i := 1; i <= 100; i++ {
		if heatColour(float64(i)/100).A < heatColour(float64(i-1)/100).A {
			t.Fatalf("alpha falls at %d%%", i)
		}
	}
}

func BenchmarkRenderHeatPNG(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	var bins []data.HeatBin
	for range 800 {
		bins = append(bins, data.HeatBin{I: r.IntN(74) - 5, J: r.IntN(74) - 5, N: int64(1 + r.IntN(300))})
	}
	for b.Loop() {
		if _, err := renderHeatPNG(bins, 14, 256); err != nil {
			b.Fatal(err)
		}
	}
}
