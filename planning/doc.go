// Package planning is the plan use case, once: load an area from the store (or a plain
// OSM file), build the street network the same way everywhere, plan or re-plan, turn the
// result into routes and a report, and store it. The command line (gridsweep plan,
// gridsweep demo) runs it in-process through Runner; the API queues it as a river job
// through Queue, and any replica working the queue runs the same Runner.
//
// The package holds no SQL and no HTTP: data stores and loads, api decodes and encodes.
package planning
