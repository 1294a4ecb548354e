// Lets <script lang="ts"> in .svelte files go through TypeScript.
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

export default {
  preprocess: vitePreprocess(),
};
