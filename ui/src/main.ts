// Mounts the Svelte app into index.html's #app element.
import { mount } from 'svelte';

import App from './App.svelte';
import './app.css';

const target = document.getElementById('app');
if (!target) {
  throw new Error('index.html has no #app element to mount Docket into');
}

export default mount(App, { target });
