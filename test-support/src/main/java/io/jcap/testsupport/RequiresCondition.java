package io.jcap.testsupport;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit extension behind {@link Requires}: probes the components the test's class or method
 * names (each once per JVM) and lets the {@link Verdict} run, skip or fail it.
 */
public final class RequiresCondition implements ExecutionCondition {
    /** A probe result holds for the whole run: components are not installed while tests run. */
    private static final Map<Component, Optional<String>> PROBED = new ConcurrentHashMap<>();

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<Requires> requires = context.getElement()
                .flatMap(element -> AnnotationSupport.findAnnotation(element, Requires.class));
        if (requires.isEmpty()) {
            return ConditionEvaluationResult.enabled("no @Requires");
        }
        return verdict(requires.get().value()).toConditionResult();
    }

    /** What becomes of a test needing {@code components}, with {@code probe} telling what is missing. */
    static Verdict verdict(Component[] components, java.util.function.Function<Component, Optional<String>> probe,
            HostEnvironment env) {
        List<String> missing = Arrays.stream(components).distinct().map(probe).flatMap(Optional::stream).toList();
        return Verdict.of(missing, env);
    }

    /** {@link #verdict} with this JVM's cached probes: for {@link Requires} and {@link Requirements}. */
    static Verdict verdict(Component... components) {
        HostEnvironment env = HostEnvironment.current();
        return verdict(components, component -> PROBED.computeIfAbsent(component, c -> c.missing(env)), env);
    }
}
