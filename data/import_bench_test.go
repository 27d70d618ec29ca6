package data

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gridsweep/gridsweep/geo/fixture"
)

// The import benchmarks run against the real PostGIS (DATABASE_URL):
//
//	go test ./data -run '^$' -bench Import -benchtime 5x
//
// "first" imports into empty tables (every row inserted), "again" re-imports the same
// file (every row compared and left unchanged). rows/s counts rows merged over the whole
// import, read included; read-s and write-s split the time between parsing and PostGIS,
// and write-rows/s is the database side alone.

func BenchmarkImportHelsinki(b *testing.B) {
	benchmarkImport(b, fixture.SharedData(b, "osm/Helsinki.osm.pbf"))
}

func BenchmarkImportHaidian(b *testing.B) {
	benchmarkImport(b, fixture.SharedData(b, "osm/beijing-haidian/map.osm"))
}

func BenchmarkImportAndorra(b *testing.B) {
	benchmarkImport(b, andorraPath(b))
}

func benchmarkImport(b *testing.B, path string) {
	file, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	s := openTest(b)
	name := filepath.Base(path)
	run := func(b *testing.B, empty bool) {
		var rows int
		var read, write time.Duration
		for b.Loop() {
			if empty {
				b.StopTimer()
				if _, err := s.pool.Exec(ctx, `TRUNCATE street_nodes, blocks, shops, stations, areas RESTART IDENTITY CASCADE`); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			sum, err := importOSMBytes(ctx, s, name, file)
			if err != nil {
				b.Fatal(err)
			}
			rows += sum.Rows.Inserted + sum.Rows.Updated + sum.Rows.Unchanged
			read += sum.ReadTime
			write += sum.WriteTime
		}
		b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
		b.ReportMetric(float64(rows)/float64(b.N), "rows/op")
		b.ReportMetric(read.Seconds()/float64(b.N), "read-s/op")
		b.ReportMetric(write.Seconds()/float64(b.N), "write-s/op")
		b.ReportMetric(float64(rows)/write.Seconds(), "write-rows/s")
	}
	b.Run("first", func(b *testing.B) { run(b, true) })
	b.Run("again", func(b *testing.B) { run(b, false) })
}
