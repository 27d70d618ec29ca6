package routing

import (
	"bufio"
	"context"
	"os"
	"testing"
	"time"

	"github.com/gridsweep/gridsweep/geo"
	"github.com/gridsweep/gridsweep/geo/fixture"
)

func loadOSMFile(tb testing.TB, name string) *geo.Extract {
	tb.Helper()
	f, err := os.Open(name)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	head, _ := br.Peek(geo.FormatHeadSize)
	format, err := geo.FormatOf(name, head)
	if err != nil {
		tb.Fatal(err)
	}
	ex, err := geo.ReadOSM(context.Background(), br, format)
	if err != nil {
		tb.Fatal(err)
	}
	return ex
}

// benchPlan plans a real city once per iteration and reports the targets' measures.
func benchPlan(b *testing.B, rel string, workers int, seconds float64) {
	benchPlanFile(b, fixture.SharedData(b, rel), workers, seconds)
}

func benchPlanFile(b *testing.B, rel string, workers int, seconds float64) {
	ex := loadOSMFile(b, rel)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		net, err := geo.BuildNetwork(ex.Blocks)
		if err != nil {
			b.Fatal(err)
		}
		bridges := net.ConnectIslands(100)
		began := time.Now()
		pl, err := PlanRoutes(context.Background(), PlanInput{Network: net, Shops: ex.Shops, Stations: ex.Stations}, PlanOptions{Workers: workers, Seconds: seconds})
		if err != nil {
			b.Fatal(err)
		}
		rep := pl.Report(time.Since(began))
		b.ReportMetric(rep.MakespanOverMean, "makespan/mean")
		b.ReportMetric(rep.MakespanS, "makespan_s")
		b.ReportMetric(float64(rep.BlocksCovered), "covered")
		b.ReportMetric(rep.DeadheadShare, "deadhead")
		b.ReportMetric(rep.Postman.DeadheadShare, "postman_deadhead")
		b.ReportMetric(rep.Seconds, "wall_s")
		b.Logf("%s k=%d blocks %d/%d unreachable %d bridges %d makespan %.0f mean %.0f ratio %.4f deadhead %.3f postman %.3f pieces %v shift %v %.1fs",
			rel, workers, rep.BlocksCovered, rep.BlocksRequired, len(rep.Unreachable), bridges, rep.MakespanS, rep.MeanRouteS, rep.MakespanOverMean,
			rep.DeadheadShare, rep.Postman.DeadheadShare, rep.TerritoryPieces, rep.Shift != nil, rep.Seconds)
	}
}

func BenchmarkPlanHelsinki20(b *testing.B) { benchPlan(b, "osm/Helsinki.osm.pbf", 20, 20) }
func BenchmarkPlanHaidian8(b *testing.B)   { benchPlan(b, "osm/beijing-haidian/map.osm", 8, 20) }

// BenchmarkPlanAndorra53 plans the whole-country extract shipped with paulmach/osm (a
// stand-in for an unseen city of several thousand blocks) with 53 workers; set
// GRIDSWEEP_ANDORRA to its path (make andorra prints it).
func BenchmarkPlanAndorra53(b *testing.B) {
	name := os.Getenv("GRIDSWEEP_ANDORRA")
	if name == "" {
		b.Skip("GRIDSWEEP_ANDORRA not set")
	}
	benchPlanFile(b, name, 53, 20)
}
