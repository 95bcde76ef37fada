package dev.kleiber.validate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class StoryGateTest {
    @ParameterizedTest
    @ValueSource(strings = {"src/components/Button.stories.tsx", "src/components/Button.stories.ts",
            "src/components/Button.stories.jsx", "src/components/Button.stories.js", "src/components/Button.stories.mdx"})
    void aStoryBesideTheComponentSatisfiesTheGate(String story) {
        assertThat(StoryGate.check(List.of("src/components/Button.tsx"), Set.of(story)::contains)).isEmpty();
    }

    @Test
    void aComponentWithoutAStoryIsAFinding() {
        assertThat(StoryGate.check(List.of("src/frontend/settings/ProfileCard.tsx"),
                Set.of("src/frontend/ProfileCard.stories.tsx", "src/frontend/settings/Other.stories.tsx")::contains))
                .extracting(Finding::render).containsExactly("src/frontend/settings/ProfileCard.tsx: [gate-story] component "
                        + "'ProfileCard' has no Storybook story beside it (expected ProfileCard.stories.tsx)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"src/components/Button.test.tsx", "src/components/Button.stories.tsx",
            "src/components/button.tsx", "src/components/index.tsx", "src/components/Button.types.tsx",
            "src/backend/Thing.tsx", "src/components/Button.ts", "lib/components/Button.tsx"})
    void notComponents(String path) {
        assertThat(StoryGate.isComponent(path)).isFalse();
        assertThat(StoryGate.check(List.of(path), p -> false)).isEmpty();
    }

    @Test
    void componentsLiveUnderComponentsOrFrontend() {
        assertThat(StoryGate.isComponent("src/components/Button.tsx")).isTrue();
        assertThat(StoryGate.isComponent("src/components/forms/LoginForm.tsx")).isTrue();
        assertThat(StoryGate.isComponent("src/frontend/App.tsx")).isTrue();
        assertThat(StoryGate.isComponent("src/frontend/pages/settings/SettingsPage.tsx")).isTrue();
    }
}
