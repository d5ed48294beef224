// The detached instance answers over HTTP on the forwarded port; `jcap images` of the same home
// lists the image; the instance is removed whatever happened.
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.time.Duration

def run(List<String> args) {
    def pb = new ProcessBuilder([jcapBin] + args).redirectErrorStream(true)
    pb.environment().put('JCAP_HOME', jcapHome)
    def p = pb.start()
    def out = p.inputStream.text
    p.waitFor()
    return [p.exitValue(), out]
}

try {
    def log = new File(basedir, 'build.log').text
    assert log.contains('Settings of image it-web-app are valid') : 'jcap:validate checked the settings'
    assert log.contains('Java: main it.web.Server, class path /app/classes, JVM flags [], args [8080]') : 'the pom\'s main class, the Capstanfile\'s args'
    assert log.contains('would push ') && log.contains('/images/it-web-app/image.qcow2') : 'the push dry run named the image'
    assert log.contains('into volume images/web-1.qcow2 at ') : 'the push dry run took the pool and the remote name'
    assert log.contains('Started instance it-web of it-web-app') : 'jcap:run started the instance'
    def client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
    def request = HttpRequest.newBuilder(URI.create('http://127.0.0.1:18931/')).timeout(Duration.ofSeconds(10)).build()
    String body = null
    // The guest boots under TCG: wait (up to 5 minutes) until the server answers.
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos()
    while (body == null && System.nanoTime() < deadline) {
        try {
            def response = client.send(request, HttpResponse.BodyHandlers.ofString())
            if (response.statusCode() == 200) {
                body = response.body()
            }
        } catch (IOException e) {
            Thread.sleep(1000)
        }
    }
    assert body == 'Hello from a Maven-built jcap image\n' : 'the server in the guest answered: ' + body
    def (status, images) = run(['images'])
    assert status == 0 : images
    assert images.readLines().any { it.startsWith('it-web-app ') } : images
} finally {
    def (status, out) = run(['rm', '-f', 'it-web'])
    assert status == 0 : out
}
