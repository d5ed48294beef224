package io.jcap.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The components a test class or method needs. Without one, the test skips on a developer's
 * machine and fails under {@code CI=true}; the message says what is missing and how to install it.
 *
 * <pre>{@code
 * @Requires({Component.QEMU, Component.LINUX_KERNEL})
 * class BuilderGuestIT { ... }
 * }</pre>
 *
 * <p>A test that needs a value of its own module's main code (a detected QEMU, a stored kernel)
 * gets it in {@code @BeforeAll} and calls {@link Requirements#missing(String)} when it fails.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(RequiresCondition.class)
public @interface Requires {
    Component[] value();
}
