// The sample builds' jcap home (jcapHome, target/it-jcap-home): their images stay out of the
// user's, and its kernels are the ones `jcap kernels pull linux` stored in the user's home.
import java.nio.file.Files
import java.nio.file.Path

Path home = Path.of(jcapHome)
Path userKernels = Path.of(System.getenv('JCAP_HOME') ?: System.getProperty('user.home') + '/.jcap', 'kernels')
Files.createDirectories(home)
Path kernels = home.resolve('kernels')
if (!Files.exists(kernels, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
    try {
        Files.createSymbolicLink(kernels, userKernels)
    } catch (java.nio.file.FileAlreadyExistsException e) {
        // made meanwhile by the hook of a sample build that runs beside this one (parallelThreads)
    }
}
return true
