// The image booted and the application printed its line: Jackson and the library module were on
// the class path, in Maven's order after the project's own classes.
def log = new File(basedir, 'build.log').text
// A second run of the tests in the same target/ finds the image up to date (same inputs).
assert log.contains('Built image it-multi-module-app') || log.contains('Image it-multi-module-app is up to date') : 'jcap:build made the app module\'s image'
assert log.contains('[it-multi-module-app] JSON {"greeting":"Hello, maven"}') : 'the app printed its JSON line in the guest'
def cp = log.readLines().find { it.contains('[it-multi-module-app] CLASSPATH ') }
assert cp != null : 'the app printed its class path'
assert cp.endsWith('CLASSPATH /app/classes:/app/lib/greeting-1.0.jar:/app/lib/jackson-databind-2.18.2.jar:/app/lib/jackson-annotations-2.18.2.jar:/app/lib/jackson-core-2.18.2.jar') : cp
assert log.contains('Skipping jcap (jcap.skip)') : 'the library module was passed over'
assert log.contains('packaging pom') : 'the root pom was passed over'
