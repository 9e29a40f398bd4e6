// Preloaded (`node --require`) into whole-process benchmark runs: prints the process's CPU time
// (user + system, ms) to stderr at exit, so runs can be compared by CPU as well as by wall time
// on a machine whose load inflates wall time.
process.on('exit', () => {
  const u = process.cpuUsage();
  process.stderr.write(`\ncpu-ms ${((u.user + u.system) / 1000).toFixed(1)}\n`);
});
