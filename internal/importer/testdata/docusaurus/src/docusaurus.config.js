// @ts-check
import {themes as prismThemes} from 'prism-react-renderer';

/** @type {import('@docusaurus/types').Config} */
const config = {
  title: 'Widget Help Center',
  tagline: 'Guides and answers for Widget users',
  favicon: 'img/favicon.ico',

  url: 'https://help.widget.example',
  baseUrl: '/',

  organizationName: 'widget',
  projectName: 'help',

  onBrokenLinks: 'throw',

  i18n: {
    defaultLocale: 'en',
    locales: ['en'],
  },

  presets: [
    [
      'classic',
      /** @type {import('@docusaurus/preset-classic').Options} */
      ({
        docs: {
          sidebarPath: './sidebars.js',
          routeBasePath: '/',
          editUrl: 'https://github.com/widget/help/tree/main/',
        },
        blog: {
          showReadingTime: true,
        },
        theme: {
          customCss: './src/css/custom.css',
        },
      }),
    ],
  ],

  themeConfig:
    /** @type {import('@docusaurus/preset-classic').ThemeConfig} */
    ({
      navbar: {
        title: 'Widget',
        logo: {alt: 'Widget logo', src: 'img/logo.png'},
      },
      prism: {theme: prismThemes.github},
    }),
};

export default config;
