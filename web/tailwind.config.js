/** @type {import('tailwindcss').Config} */
export default {
  content: ['./index.html', './src/**/*.{ts,tsx}'],
  // Dark and light follow the system setting.
  darkMode: 'media',
  theme: { extend: { minHeight: { 11: '2.75rem' } } },
  plugins: [],
};
