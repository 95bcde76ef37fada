package dev.kleiber.testutil;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Small repositories in the shapes Kleiber meets in the wild, each a real git repository with one commit: an
 * Express + Prisma API on master, a pnpm/Turborepo monorepo, an Nx workspace, a Vite + Vitest app, a Maven
 * multi-module Spring service. Their code is a few lines each: what matters is where it lies.
 */
public final class Fixtures {
    private Fixtures() {
    }

    /** Express routes in src/app/routes, a Prisma schema and migration history, tests in tests/, branch master. */
    public static Path expressPrismaApi(Path dir) throws IOException {
        Path repo = GitRepos.init(dir);
        write(repo, "package.json", """
                {"name": "conduit-api", "scripts": {"test": "node --test tests/", "lint": "eslint ."},
                 "dependencies": {"express": "^4.18.0", "@prisma/client": "^5.0.0"}, "devDependencies": {"prisma": "^5.0.0"}}
                """);
        write(repo, "package-lock.json", "{}\n");
        write(repo, "src/app/routes/articles.ts", """
                import { Router } from 'express';
                const router = Router();
                router.get('/articles', listArticles);
                router.get('/articles/:slug', getArticle);
                export default router;
                """);
        write(repo, "src/app/index.ts", "import express from 'express';\nconst app = express();\napp.get('/health', ok);\n");
        write(repo, "src/app/utils/slugify.ts", "export function slugify(s: string) { return s; }\n");
        write(repo, "prisma/schema.prisma", "model User { id Int @id }\n");
        write(repo, "prisma/migrations/20230101000000_init/migration.sql", """
                CREATE TABLE "User" ("id" SERIAL NOT NULL, "favoriteIds" TEXT);
                CREATE TABLE "_UserFavorites" ("A" INTEGER NOT NULL, "B" INTEGER NOT NULL);
                CREATE UNIQUE INDEX "_UserFavorites_AB_unique" ON "_UserFavorites"("A", "B");
                """);
        write(repo, "tests/articles.test.ts", "request(app).get('/articles'); request(app).get('/articles/how-to');\n");
        commit(repo, "an Express + Prisma API");
        GitRepos.git(repo, "branch", "-m", "main", "master");
        return repo;
    }

    /** pnpm workspaces driven by Turborepo: a React web app, an Express API and a UI library with kebab-case files. */
    public static Path turborepo(Path dir) throws IOException {
        Path repo = GitRepos.init(dir);
        write(repo, "package.json", """
                {"name": "acme", "private": true, "scripts": {"build": "turbo run build", "lint": "turbo run lint",
                 "check-types": "turbo run check-types"}, "devDependencies": {"turbo": "^2.0.0"}}
                """);
        write(repo, "pnpm-workspace.yaml", "packages:\n  - \"apps/*\"\n  - \"packages/*\"\n");
        write(repo, "pnpm-lock.yaml", "lockfileVersion: '9.0'\n");
        write(repo, "turbo.json", "{\"tasks\": {\"build\": {}}}\n");
        write(repo, "apps/web/package.json", "{\"name\": \"web\", \"dependencies\": {\"react\": \"^18\", \"next\": \"^14\"},"
                + " \"devDependencies\": {\"@storybook/react\": \"^8\"}}\n");
        write(repo, "apps/web/src/components/Header.tsx", "export const Header = () => null;\n");
        write(repo, "apps/api/package.json", "{\"name\": \"api\", \"dependencies\": {\"express\": \"^4\"}}\n");
        write(repo, "apps/api/src/routes/users.ts", "import express from 'express';\nconst router = express.Router();\n"
                + "router.get('/users', list);\n");
        write(repo, "packages/ui/package.json", "{\"name\": \"@acme/ui\", \"dependencies\": {\"react\": \"^18\"}}\n");
        write(repo, "packages/ui/src/components/date-picker.tsx", "export const DatePicker = () => null;\n");
        write(repo, "packages/ui/src/icons/arrow-left.tsx", """
                import type { SVGProps } from "react";
                const SvgArrowLeft = (props: SVGProps<SVGSVGElement>) => <svg {...props} />;
                export default SvgArrowLeft;
                """);
        commit(repo, "a Turborepo monorepo");
        return repo;
    }

    /** An Nx workspace: apps and libs, no root test script (Nx runs the projects' targets). */
    public static Path nxWorkspace(Path dir) throws IOException {
        Path repo = GitRepos.init(dir);
        write(repo, "package.json", """
                {"name": "org", "private": true, "workspaces": ["apps/*", "libs/*"], "devDependencies": {"nx": "^19"}}
                """);
        write(repo, "package-lock.json", "{}\n");
        write(repo, "nx.json", "{\"targetDefaults\": {}}\n");
        write(repo, "apps/shop/package.json", "{\"name\": \"shop\", \"dependencies\": {\"react\": \"^18\"}}\n");
        write(repo, "apps/shop/src/app/app.tsx", "export function App() { return null; }\n");
        write(repo, "libs/products/package.json", "{\"name\": \"products\", \"dependencies\": {\"react\": \"^18\"}}\n");
        write(repo, "libs/products/src/lib/product-list.tsx", "export function ProductList() { return null; }\n");
        commit(repo, "an Nx workspace");
        return repo;
    }

    /** A Vite + React app tested by Vitest, whose test script is a tiny local runner (no install, no network). */
    public static Path viteVitest(Path dir) throws IOException {
        Path repo = GitRepos.init(dir);
        write(repo, "package.json", """
                {"name": "vite-app", "type": "module", "scripts": {"test": "node scripts/vitest-run.mjs",
                 "typecheck": "node scripts/typecheck.mjs"}, "dependencies": {"react": "^18"},
                 "devDependencies": {"vite": "^5", "vitest": "^1"}}
                """);
        write(repo, "src/components/Counter.tsx", "export const Counter = () => null;\n");
        write(repo, "src/components/Counter.stories.tsx", "export default {};\n");
        write(repo, "src/lib/sum.js", "export const sum = (a, b) => a + b;\n");
        write(repo, "src/lib/sum.test.js", "import { sum } from './sum.js';\nif (sum(2, 3) !== 5) throw new Error('sum');\n");
        // Stands in for vitest, installed under node_modules as a real project has it: writes Vite's cache and
        // a coverage report where vitest's v8 provider does, then runs the tests.
        write(repo, "scripts/vitest-run.mjs", """
                import { mkdirSync, writeFileSync } from 'node:fs';
                import { pathToFileURL } from 'node:url';
                import { resolve } from 'node:path';
                const { marker } = await import(pathToFileURL(resolve('node_modules/vitest/index.js')).href);
                mkdirSync('node_modules/.vite/vitest', { recursive: true });
                writeFileSync('node_modules/.vite/vitest/results.json', '{}');
                await import(pathToFileURL(resolve('src/lib/sum.test.js')).href);
                mkdirSync('coverage/web', { recursive: true });
                writeFileSync('coverage/web/lcov.info', 'SF:src/lib/sum.js\\nDA:1,1\\nend_of_record\\n');
                console.log('1 test passed with', marker);
                """);
        write(repo, "scripts/typecheck.mjs", "console.log('types ok');\n");
        write(repo, ".gitignore", "node_modules/\ncoverage/\n");
        commit(repo, "a Vite + Vitest app");
        write(repo, "node_modules/vitest/index.js", "export const marker = 'vitest (local)';\n");
        return repo;
    }

    /** A Maven multi-module Spring service with Flyway migrations. */
    public static Path springMaven(Path dir) throws IOException {
        Path repo = GitRepos.init(dir);
        write(repo, "pom.xml", "<project><modules><module>core</module><module>web</module></modules></project>\n");
        write(repo, "mvnw", "#!/bin/sh\n");
        write(repo, "core/pom.xml", "<project/>\n");
        write(repo, "core/src/main/java/acme/core/Order.java", "package acme.core; class Order {}\n");
        write(repo, "web/pom.xml", "<project/>\n");
        write(repo, "web/src/main/java/acme/web/OrderController.java", "package acme.web; class OrderController {}\n");
        write(repo, "web/src/main/resources/db/migration/V1__orders.sql", "CREATE TABLE orders (id int);\n");
        write(repo, "web/src/test/java/acme/web/OrderControllerIT.java", "package acme.web; class OrderControllerIT {}\n");
        commit(repo, "a Spring service");
        return repo;
    }

    public static void write(Path root, String path, String text) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    public static void commit(Path repo, String message) {
        GitRepos.git(repo, "add", "-A");
        GitRepos.git(repo, "commit", "-q", "-m", message);
    }
}
