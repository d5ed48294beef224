// Every refused setting is named as in the pom and on the command line, with what it takes, and
// Maven prints no stack trace (no -e).
def log = new File(basedir, 'build.log').text
assert log.contains('[ERROR] Failed to execute goal io.jcap:jcap-maven-plugin:') : log
assert log.contains("<memory> (-Djcap.memory): '512' is not a size") : log
assert log.contains("<cpus> (-Djcap.cpus): '0' is not a number of CPUs: use 1 to 64") : log
assert log.contains("<ports> (-Djcap.ports): '80:x' is not a port mapping") : log
assert !log.contains('\tat io.jcap.') : 'no stack trace: ' + log
assert !log.contains('Built image') : 'nothing was built'
