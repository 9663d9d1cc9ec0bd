import React from 'react';
import Layout from '@theme/Layout';

export default function Home() {
  return <Layout title="Widget Help">Welcome</Layout>;
}
