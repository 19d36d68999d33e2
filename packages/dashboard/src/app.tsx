import { BrowserRouter, Link, Route, Routes } from 'react-router-dom';
import { Layout } from './components/layout.js';
import { CollectionsPage } from './pages/collections-page.js';
import { EndpointDetailPage } from './pages/endpoint-detail-page.js';
import { EndpointsPage } from './pages/endpoints-page.js';

export function App() {
  return (
    <BrowserRouter>
      <Layout>
        <Routes>
          <Route path="/" element={<CollectionsPage />} />
          <Route path="/collections/:id" element={<EndpointsPage />} />
          <Route path="/endpoints/:id" element={<EndpointDetailPage />} />
          <Route
            path="*"
            element={
              <p>
                No such page. <Link to="/">Back to the collections</Link>
              </p>
            }
          />
        </Routes>
      </Layout>
    </BrowserRouter>
  );
}
